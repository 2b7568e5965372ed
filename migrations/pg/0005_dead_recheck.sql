-- Dead sources are re-checked weekly now (schedule/policy.ts DEAD_RECHECK_MS) instead of never: those parked at
-- the old "never" time (9999-01-01) are due again.
UPDATE sources SET next_fetch_at = (extract(epoch from now()) * 1000)::bigint
 WHERE status = 'dead' AND next_fetch_at >= 253370764800000;
