-- When the circle's meeting closed the vote on a request (CloseCircleVote), 0 while
-- it has not: members may vote until then even once the outcome is decided, unless
-- the fund decides or the request is withdrawn first (services/lending/loan_lifecycle.h,
-- IsVoteOpen). Under the earlier rule a vote closed as soon as it was decided, so the
-- requests already past their vote keep it closed.
ALTER TABLE loans ADD COLUMN vote_close_time_us BIGINT NOT NULL DEFAULT 0;
UPDATE loans SET vote_close_time_us = update_time_us WHERE state <> 'SUBMITTED';
