// cerclesctl: the command-line client of the Cercles services. Everything but
// reading argv lives in cerclesctl_lib, which the tests link too.

#include <iostream>
#include <string>
#include <vector>

#include "tools/cerclesctl/command.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return cercles::cerclesctl::RunCli(args, cercles::cerclesctl::ProcessEnvironment(), std::cout,
                                     std::cerr);
}
