//! ISO 8601 weeks as the digest names them (`2026-W48`): parsed with chrono's `IsoWeek`, and
//! their bounds in UTC, Monday 00:00 to the next Monday 00:00.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

use crate::error::{AppError, AppResult};

/// What a bad week is told.
pub const WEEK_HINT: &str = "must be an ISO 8601 week such as 2026-W48 (weeks 01 to 52, or 53 in long years)";

/// An ISO week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Week {
    /// Its Monday.
    monday: NaiveDate,
}

impl Week {
    /// `YYYY-Www` (`2026-W48`, also `2026w48` in any case); `None` for anything else, including
    /// week 53 of a year that has 52.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.len() > 10 || !raw.is_ascii() {
            return None;
        }
        let upper = raw.to_ascii_uppercase();
        let (year, week) = upper.split_once('W')?;
        let year = year.strip_suffix('-').unwrap_or(year);
        if year.len() != 4 || week.len() != 2 || !(year.bytes().chain(week.bytes())).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let monday = NaiveDate::from_isoywd_opt(year.parse().ok()?, week.parse().ok()?, Weekday::Mon)?;
        Some(Self { monday })
    }

    /// `parse`, or BAD_USER_INPUT on `field`.
    pub fn from_input(field: &str, raw: &str) -> AppResult<Self> {
        Self::parse(raw).ok_or_else(|| AppError::bad_field(field, WEEK_HINT))
    }

    /// The week `moment` is in (UTC).
    pub fn containing(moment: DateTime<Utc>) -> Self {
        let date = moment.date_naive();
        let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
        Self { monday }
    }

    /// Monday 00:00 UTC.
    pub fn starts_at(&self) -> DateTime<Utc> {
        self.monday.and_time(chrono::NaiveTime::MIN).and_utc()
    }

    /// The next Monday 00:00 UTC, the first moment after the week.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.starts_at() + Duration::days(7)
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let week = self.monday.iso_week();
        write!(f, "{:04}-W{:02}", week.year(), week.week())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_parse_and_have_utc_bounds() {
        let week = Week::parse("2026-W48").expect("a week");
        assert_eq!(week.to_string(), "2026-W48");
        assert_eq!(week.starts_at().to_rfc3339(), "2026-11-23T00:00:00+00:00");
        assert_eq!(week.ends_at().to_rfc3339(), "2026-11-30T00:00:00+00:00");
        // ISO week 1 of 2026 starts in 2025; 2026 has 53 weeks, 2027 has 52.
        assert_eq!(
            Week::parse("2026-w01").map(|w| w.starts_at().date_naive().to_string()),
            Some("2025-12-29".into())
        );
        assert!(Week::parse("2026-W53").is_some());
        assert_eq!(Week::containing(week.starts_at() + Duration::hours(150)), week);
        for bad in [
            "",
            "2027-W53",
            "2026-W00",
            "2026-W54",
            "2026-W4",
            "26-W48",
            "2026-48",
            "2026-W48-1",
            "２０２６-W48",
            "2026-Wxx",
        ] {
            assert_eq!(Week::parse(bad), None, "{bad}");
        }
    }
}
