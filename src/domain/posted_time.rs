//! Which times an update may carry. Scheduling is a separate feature, so a
//! time ahead of now is a typo (2099 for 2019), and one would sit at the top
//! of the story for ever and push the feeds' `Last-Modified` into the future.

use chrono::{DateTime, Duration, TimeZone, Utc};

/// How far ahead of the server's clock an update may be dated: room for an
/// editor's or a content file's clock running a little fast.
pub const FUTURE_SLACK: Duration = Duration::minutes(5);

/// The earliest plausible update time: newsdesk covers today's news, so
/// anything older is a typo (0001-01-01, 1016 for 2016).
pub fn earliest_plausible() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(1990, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid date")
}

/// Refuses a time more than [`FUTURE_SLACK`] after `now` or before
/// [`earliest_plausible`], saying what to do instead.
pub fn check_posted_at(at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if at > now + FUTURE_SLACK {
        Err(
            "That time is in the future; updates cannot be scheduled, so give the time it happened."
                .into(),
        )
    } else if at < earliest_plausible() {
        Err("That time is before 1990; check the year.".into())
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_far_from_now_are_refused() {
        let now = Utc.with_ymd_and_hms(2016, 1, 12, 9, 0, 0).unwrap();
        assert!(check_posted_at(now + Duration::minutes(4), now).is_ok());
        assert!(check_posted_at(now + Duration::minutes(6), now).is_err());
        assert!(check_posted_at(Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap(), now).is_err());
        assert!(check_posted_at(earliest_plausible(), now).is_ok());
    }
}
