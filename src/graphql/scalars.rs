//! Scalars of our own, named as clients expect them rather than after the Rust types behind them.

use async_graphql::{
    InputValueError, InputValueResult, ObjectType, Scalar, ScalarType, SchemaBuilder, SubscriptionType, Value,
};
use chrono::{NaiveDate, Utc};

/// What `DateTime` means to a client. async-graphql's own text names the Rust type; the scalar
/// stays async-graphql's so that its wire format and `@specifiedBy` (RFC 3339) stay as they are.
const DATE_TIME: &str = "A point in time as an RFC 3339 string, e.g. `2026-11-05T14:30:00+00:00`. \
The API writes it in UTC; it reads any offset.";

/// Gives the scalars we do not define ourselves the descriptions a client should read.
pub fn describe<Q, M, S>(builder: SchemaBuilder<Q, M, S>) -> SchemaBuilder<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    builder.override_output_type_description::<chrono::DateTime<Utc>>(DATE_TIME)
}

/// A calendar date in ISO 8601 form, e.g. `2018-06-05`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date without a time of day, as RFC 3339's `full-date` (ISO 8601): `YYYY-MM-DD`,
/// e.g. `2018-06-05`.
#[Scalar(specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("expected a date such as 2018-06-05")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl From<Date> for NaiveDate {
    fn from(d: Date) -> Self {
        d.0
    }
}

/// A local time of day, to the minute: `HH:MM` on a 24-hour clock, e.g. `14:30`; `24:00` ends a
/// day. Minutes after midnight inside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay(pub i32);

/// A local time of day to the minute, `HH:MM` on a 24-hour clock (`00:00` to `24:00`), e.g.
/// `14:30`: RFC 3339's `partial-time` without seconds.
#[Scalar(specified_by_url = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6")]
impl ScalarType for TimeOfDay {
    fn parse(value: Value) -> InputValueResult<Self> {
        let parsed = match &value {
            Value::String(s) => s.split_once(':').and_then(|(h, m)| {
                let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
                let ok = s.len() == 5 && (0..24).contains(&h) && (0..60).contains(&m) || (h, m) == (24, 0);
                ok.then_some(h * 60 + m)
            }),
            _ => return Err(InputValueError::expected_type(value)),
        };
        parsed
            .map(TimeOfDay)
            .ok_or_else(|| InputValueError::custom("expected a time of day such as 14:30"))
    }

    fn to_value(&self) -> Value {
        Value::String(format!("{:02}:{:02}", self.0 / 60, self.0 % 60))
    }
}
