//! The `RateLimit-Policy` and `RateLimit` response header fields of the IETF draft "RateLimit
//! header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers-11): Structured Field lists of
//! one item per bucket the request is charged to, the caller's own first.
//!
//! `RateLimit-Policy: "user";q=250000;w=60, "address";q=1000000;w=60` names each policy with its
//! quota (`q`, in cost points) and window (`w`, seconds); `RateLimit: "user";r=249990;t=1,
//! "address";r=999990;t=1` gives what remains (`r`) and the seconds until the bucket is whole
//! again (`t`). The quota unit is the API's cost point, which the draft's registry of units
//! (`qu`) has no name for, so `qu` is left out and the README says what the unit is. No
//! partition key (`pk`): it would echo the caller's subject or address.
//!
//! Written here rather than with a Structured Fields crate: the names are fixed tokens of ours
//! and the values integers, so nothing needs escaping.

use actix_web::http::header::{HeaderName, HeaderValue};

use super::rate_limit::{BucketStanding, WINDOW_NS};

pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// `RateLimit-Policy` for these (name, points a minute); none without a policy.
pub fn policy_field(policies: &[(&str, u64)]) -> Option<HeaderValue> {
    let window = WINDOW_NS / 1_000_000_000;
    let items: Vec<String> = policies
        .iter()
        .map(|(name, quota)| format!("\"{name}\";q={quota};w={window}"))
        .collect();
    field(items)
}

/// `RateLimit` for these buckets; none without a bucket.
pub fn standing_field(standing: &[BucketStanding]) -> Option<HeaderValue> {
    let items: Vec<String> = standing
        .iter()
        .map(|s| {
            // Whole seconds, rounded up: `t` promises no earlier refill than there is.
            let t = s.reset_after.as_nanos().div_ceil(1_000_000_000);
            format!("\"{}\";r={};t={t}", s.policy, s.remaining)
        })
        .collect();
    field(items)
}

fn field(items: Vec<String>) -> Option<HeaderValue> {
    if items.is_empty() {
        return None;
    }
    HeaderValue::from_str(&items.join(", ")).ok()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn fields_are_structured_field_lists() {
        let policy = policy_field(&[("user", 250_000), ("address", 1_000_000)]).unwrap();
        assert_eq!(policy, "\"user\";q=250000;w=60, \"address\";q=1000000;w=60");
        let standing = standing_field(&[BucketStanding {
            policy: "anonymous",
            limit: 50_000,
            remaining: 49_000,
            reset_after: Duration::from_millis(1_200),
            at: chrono::Utc::now(),
        }])
        .unwrap();
        assert_eq!(standing, "\"anonymous\";r=49000;t=2");
        assert!(policy_field(&[]).is_none());
    }
}
