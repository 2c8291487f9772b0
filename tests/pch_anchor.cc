// The one source of cercles_test_pch (tests/CMakeLists.txt): the target exists
// to build the precompiled header the test programs share, and CMake wants a
// source to compile it for. It declares nothing.
