//! Times as editors type them: UK local time, with " BST" or " GMT" to say
//! which of the autumn's repeated hour is meant.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDateTime, TimeZone, Utc};

use crate::filters::SITE_TIME_ZONE;

/// The formats the Time field accepts, before an optional zone.
const FORMATS: [&str; 4] = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
];

/// The UK's two zone names and their offsets from UTC, in seconds.
const ZONES: [(&str, i32); 2] = [("BST", 3600), ("GMT", 0)];

/// Reads "2016-01-12 08:10" as UK local time. When the clocks went back and
/// that time happened twice, the editor is asked to add " BST" (the first)
/// or " GMT" (the second) rather than one being picked silently.
pub fn parse(text: &str) -> Result<DateTime<Utc>, String> {
    let (local_text, zone) = split_zone(text);
    let local = FORMATS
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(local_text, format).ok())
        .ok_or_else(|| format!("“{text}” is not a time: write it like 2016-01-12 08:10."))?;
    if let Some(offset) = zone {
        let zone = FixedOffset::east_opt(offset).expect("a valid offset");
        return Ok(zone.from_local_datetime(&local).unwrap().to_utc());
    }
    match SITE_TIME_ZONE.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.to_utc()),
        LocalResult::Ambiguous(..) => Err(format!(
            "{local_text} happened twice in UK time (the clocks went back): write “{local_text} BST” for the first or “{local_text} GMT” for the second."
        )),
        LocalResult::None => Err(format!(
            "{local_text} does not exist in UK time (the clocks went forward)."
        )),
    }
}

/// The time as [`parse`] reads it back, naming the zone only when the local
/// time alone would be ambiguous. With seconds: a correction must not move
/// an update within its minute.
pub fn format(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&SITE_TIME_ZONE);
    let ambiguous = matches!(
        SITE_TIME_ZONE.from_local_datetime(&local.naive_local()),
        LocalResult::Ambiguous(..)
    );
    let format = if ambiguous {
        "%Y-%m-%d %H:%M:%S %Z"
    } else {
        "%Y-%m-%d %H:%M:%S"
    };
    local.format(format).to_string()
}

/// The text before a trailing " BST" or " GMT", and that zone's offset.
fn split_zone(text: &str) -> (&str, Option<i32>) {
    ZONES
        .iter()
        .find_map(|(name, offset)| {
            let rest = text.strip_suffix(name)?;
            rest.ends_with(' ')
                .then(|| (rest.trim_end(), Some(*offset)))
        })
        .unwrap_or((text, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uk_local_time_is_read_in_summer_and_winter() {
        let summer = parse("2016-07-12 08:10").unwrap();
        assert_eq!(summer.to_rfc3339(), "2016-07-12T07:10:00+00:00");
        let winter = parse("2016-01-12T08:10").unwrap();
        assert_eq!(winter.to_rfc3339(), "2016-01-12T08:10:00+00:00");
        assert!(parse("half past eight").is_err());
        assert!(parse("2016-03-27 01:30").is_err(), "skipped by the clocks");
    }

    #[test]
    fn the_repeated_autumn_hour_asks_which_one_is_meant() {
        let message = parse("2016-10-30 01:30").unwrap_err();
        assert!(message.contains("2016-10-30 01:30 BST"), "{message}");
        assert!(message.contains("2016-10-30 01:30 GMT"), "{message}");
        let first = parse("2016-10-30 01:30 BST").unwrap();
        let second = parse("2016-10-30 01:30 GMT").unwrap();
        assert_eq!(first.to_rfc3339(), "2016-10-30T00:30:00+00:00");
        assert_eq!(second.to_rfc3339(), "2016-10-30T01:30:00+00:00");
        for at in [first, second, parse("2016-07-12 08:10:05").unwrap()] {
            assert_eq!(parse(&format(at)), Ok(at), "{}", format(at));
        }
    }
}
