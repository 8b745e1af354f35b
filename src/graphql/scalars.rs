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
