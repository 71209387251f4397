"""Social prescribing: referrals from any referrer to a scheme's link workers, the pathway to
outcome, and outcome measures (see README.md and docs/prescribing.md)."""
