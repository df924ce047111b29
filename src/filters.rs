//! Askama filters: times in the site's time zone, machine-readable times, numbers.
//! Templates find them as `filters::name` through `use crate::filters;`.

use askama::{Result, Values};
use chrono::{DateTime, Utc};
use chrono_tz::Europe::London;

/// The newsroom's time zone: times are stored in UTC and shown in this one.
pub const SITE_TIME_ZONE: chrono_tz::Tz = London;

/// Anything that is, or refers to, a UTC time: templates hand filters values
/// behind one or two references depending on how they were bound.
pub trait UtcTime {
    fn utc(&self) -> DateTime<Utc>;
}

impl UtcTime for DateTime<Utc> {
    fn utc(&self) -> DateTime<Utc> {
        *self
    }
}

impl<T: UtcTime + ?Sized> UtcTime for &T {
    fn utc(&self) -> DateTime<Utc> {
        (**self).utc()
    }
}

/// "08:10": the time of day in the site's time zone, for live updates.
#[askama::filter_fn]
pub fn clock<T: UtcTime>(time: T, _: &dyn Values) -> Result<String> {
    Ok(time
        .utc()
        .with_timezone(&SITE_TIME_ZONE)
        .format("%H:%M")
        .to_string())
}

/// "12 January 2016, 08:10 GMT": a full date and time in the site's time zone.
#[askama::filter_fn]
pub fn long_date<T: UtcTime>(time: T, _: &dyn Values) -> Result<String> {
    Ok(time
        .utc()
        .with_timezone(&SITE_TIME_ZONE)
        .format("%-d %B %Y, %H:%M %Z")
        .to_string())
}

/// "2016-01-12T08:10:00+00:00": for `<time datetime>` and structured data.
#[askama::filter_fn]
pub fn rfc3339<T: UtcTime>(time: T, _: &dyn Values) -> Result<String> {
    // Whole seconds: HTML's `datetime` allows at most three fraction digits.
    Ok(time
        .utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
}

/// "4,000": a count with thousands separators, as readers expect.
#[askama::filter_fn]
pub fn thousands<T: std::borrow::Borrow<i64>>(number: T, _: &dyn Values) -> Result<String> {
    let digits = number.borrow().unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if *number.borrow() < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    Ok(out)
}
