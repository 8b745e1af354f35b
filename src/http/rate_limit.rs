//! Rate limits in cost points per minute, as leaky buckets (GCRA). The buckets live in the
//! database the API already uses, so every replica sharing a PostgreSQL sees the same buckets
//! without new infrastructure; one small row per key, and one SQL statement per request charges
//! all of the request's buckets at once (see [`charge`]).
//!
//! Time is counted in nanoseconds and every charge is rounded up, so no request is free: a
//! point costs 60,000 ns at a million points a minute, exactly, and at any limit that divides
//! 60,000,000,000 (every round figure) a window's worth fits and one more does not.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, Value};

pub use crate::graphql::cost::BucketStanding;
use crate::{
    error::{AppError, AppResult},
    observability::metrics::RATE_LIMIT_REFUSALS,
};

/// Points per minute for each kind of caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    pub anonymous: u64,
    pub user: u64,
    pub api_key: u64,
    /// Per client address, whoever the caller is.
    pub per_address: u64,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            anonymous: 50_000,
            user: 250_000,
            api_key: 1_000_000,
            per_address: 1_000_000,
        }
    }
}

/// The bucket holds one minute's worth.
pub const WINDOW_NS: i64 = 60_000_000_000;

/// The time the buckets count in: the system's, or one a test sets and moves by hand.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// A clock that stands still at `unix_ns` until [`Clock::advance`] moves it.
    pub fn fixed(unix_ns: i64) -> Self {
        Self {
            fixed: Some(Arc::new(AtomicI64::new(unix_ns))),
        }
    }

    pub fn advance(&self, by: Duration) {
        if let Some(now) = &self.fixed {
            now.fetch_add(i64::try_from(by.as_nanos()).unwrap_or(i64::MAX), Ordering::SeqCst);
        }
    }

    /// Nanoseconds since the Unix epoch.
    pub fn now_ns(&self) -> i64 {
        match &self.fixed {
            Some(now) => now.load(Ordering::SeqCst),
            // i64 nanoseconds last until 2262.
            None => chrono::Utc::now().timestamp_nanos_opt().unwrap_or(i64::MAX),
        }
    }
}

/// What `cost` points add to a bucket refilling `per_minute` points a minute, rounded up.
pub fn increment_ns(per_minute: u64, cost: u64) -> i64 {
    let per_minute = u128::from(per_minute.max(1));
    let scaled = u128::from(cost) * WINDOW_NS as u128;
    i64::try_from(scaled.div_ceil(per_minute)).unwrap_or(i64::MAX)
}

/// The GCRA step: the bucket's next theoretical arrival time if `cost` fits at `now_ns`, or how
/// long to wait until it would.
pub fn decide(theoretical_arrival_ns: i64, now_ns: i64, per_minute: u64, cost: u64) -> Result<i64, Duration> {
    if cost > per_minute {
        // It would never fit; waiting does not help.
        return Err(Duration::from_secs(60));
    }
    let next = theoretical_arrival_ns
        .max(now_ns)
        .saturating_add(increment_ns(per_minute, cost));
    let wait = next.saturating_sub(now_ns).saturating_sub(WINDOW_NS);
    if wait > 0 {
        Err(Duration::from_nanos(wait as u64))
    } else {
        Ok(next)
    }
}

/// A bucket a request is charged to: its key, the points a minute it refills, and the name of
/// its policy as the `RateLimit-Policy` header and the `rateLimit` query give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub key: String,
    pub per_minute: u64,
    pub policy: &'static str,
}

impl Bucket {
    /// The bucket as a charge left it: its theoretical arrival time at `now_ns`.
    pub fn standing(&self, theoretical_arrival_ns: i64, now_ns: i64) -> BucketStanding {
        let ahead = theoretical_arrival_ns.saturating_sub(now_ns).max(0);
        // The points still in the bucket: the time ahead of now, at the bucket's rate, rounded
        // up, so `remaining` never promises a point that is not there.
        let held = (u128::from(ahead as u64) * u128::from(self.per_minute)).div_ceil(WINDOW_NS as u128);
        let used = u64::try_from(held).unwrap_or(u64::MAX).min(self.per_minute);
        BucketStanding {
            policy: self.policy,
            limit: self.per_minute,
            remaining: self.per_minute - used,
            reset_after: Duration::from_nanos(ahead as u64),
            at: chrono::DateTime::from_timestamp_nanos(now_ns),
        }
    }
}

/// Charges `cost` to every one of `buckets`, each holding at most a minute's worth, in one SQL
/// statement: an upsert that refills and charges each bucket from the row it has locked, so
/// concurrent requests on any number of replicas never read a bucket's state and write it back
/// over another's charge. Over the limit: RATE_LIMITED with the wait until it would fit.
///
/// The buckets are charged together or not at all, as far as the statement's snapshot of the
/// others tells: under a race, a request refused by one bucket may still have been charged to
/// another, but no bucket ever grants more than its limit.
///
/// With the verdict, the buckets' standing after the charge (none when nothing was charged: the
/// cost could never fit).
pub async fn charge<C: ConnectionTrait>(
    db: &C,
    clock: &Clock,
    buckets: &[Bucket],
    cost: u64,
) -> (AppResult<()>, Vec<BucketStanding>) {
    let mut standing = Vec::with_capacity(buckets.len());
    let verdict = charge_into(db, clock, buckets, cost, &mut standing).await;
    (verdict, standing)
}

async fn charge_into<C: ConnectionTrait>(
    db: &C,
    clock: &Clock,
    buckets: &[Bucket],
    cost: u64,
    standing: &mut Vec<BucketStanding>,
) -> AppResult<()> {
    if buckets.is_empty() {
        return Ok(());
    }
    if buckets.iter().any(|bucket| cost > bucket.per_minute) {
        // It would never fit; waiting does not help.
        metrics::counter!(RATE_LIMIT_REFUSALS, "reason" => "over_budget").increment(1);
        return Err(AppError::RateLimited {
            retry_after: Duration::from_secs(60),
        });
    }
    let now = clock.now_ns();
    let backend = db.get_database_backend();
    let mut values: Vec<Value> = Vec::with_capacity(1 + 2 * buckets.len());
    values.push(now.into());
    for bucket in buckets {
        values.push(bucket.key.clone().into());
        values.push(increment_ns(bucket.per_minute, cost).into());
    }
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            statement(backend, buckets.len()),
            values,
        ))
        .await?;
    let mut granted = rows.len() == buckets.len();
    let mut retry_after = Duration::ZERO;
    let mut arrivals = Vec::with_capacity(rows.len());
    for row in rows {
        let key = row.try_get::<String>("", "key")?;
        let arrival = row.try_get::<i64>("", "theoretical_arrival_ns")?;
        let last_granted = row.try_get::<bool>("", "last_charge_granted")?;
        arrivals.push((key.clone(), arrival));
        if last_granted {
            continue;
        }
        granted = false;
        let per_minute = buckets
            .iter()
            .find(|bucket| bucket.key == key)
            .map_or(1, |bucket| bucket.per_minute);
        if let Err(wait) = decide(arrival, now, per_minute, cost) {
            retry_after = retry_after.max(wait);
        }
    }
    standing.extend(buckets.iter().map(|bucket| {
        let arrival = arrivals
            .iter()
            .find(|(key, _)| *key == bucket.key)
            .map_or(now, |(_, t)| *t);
        bucket.standing(arrival, now)
    }));
    if granted {
        Ok(())
    } else {
        // Each bucket that refused waits its own time; one with room now was refused on the
        // statement's snapshot of a fuller one, and may be retried at once.
        metrics::counter!(RATE_LIMIT_REFUSALS, "reason" => "over_rate").increment(1);
        Err(AppError::RateLimited {
            retry_after: retry_after.max(Duration::from_nanos(1)),
        })
    }
}

/// The charge of `count` buckets, in the SQL of `backend`: parameter 1 is the time now, then
/// each bucket's key and increment. [`decide`] in SQL, in the upsert over the row it has locked,
/// which is what makes the charge safe against concurrent ones; and, for more than one bucket,
/// first over the statement's snapshot of them all, for whether they all fit (`verdict`).
fn statement(backend: DatabaseBackend, count: usize) -> String {
    let p = |n: usize| match backend {
        DatabaseBackend::Postgres => format!("${n}"),
        _ => format!("?{n}"),
    };
    let now = p(1);
    let increments: String = (0..count)
        .map(|i| format!(" WHEN {} THEN {}", p(2 + 2 * i), p(3 + 2 * i)))
        .collect();
    let locked = "rate_limit_bucket.theoretical_arrival_ns";
    let next =
        format!("CASE WHEN {locked} > {now} THEN {locked} ELSE {now} END + CASE rate_limit_bucket.key{increments} END");
    let fits = format!("{next} <= {now} + {WINDOW_NS}");
    let source = if count == 1 {
        // A missing bucket is an empty one, and one charge fits an empty bucket (the caller
        // checked). PostgreSQL plans this in a fifth of the time of the general form.
        format!("VALUES ({}, {now} + {}, TRUE)", p(2), p(3))
    } else {
        let wanted: Vec<String> = (0..count)
            .map(|i| format!("({}, {})", p(2 + 2 * i), p(3 + 2 * i)))
            .collect();
        // Keys in order, so that concurrent charges lock the buckets they share in one order.
        format!(
            "WITH wanted (key, increment_ns) AS (VALUES {wanted}), \
             due AS (SELECT wanted.key, CASE WHEN bucket.theoretical_arrival_ns > {now} \
               THEN bucket.theoretical_arrival_ns ELSE {now} END + wanted.increment_ns AS next_ns \
               FROM wanted LEFT JOIN rate_limit_bucket AS bucket ON bucket.key = wanted.key), \
             verdict AS (SELECT MAX(next_ns) <= {now} + {WINDOW_NS} AS fits FROM due) \
             SELECT due.key, CASE WHEN verdict.fits THEN due.next_ns ELSE {now} END, verdict.fits \
             FROM due CROSS JOIN verdict WHERE TRUE ORDER BY due.key",
            wanted = wanted.join(", "),
        )
    };
    // `WITH … SELECT` is one query expression, so the general form may follow INSERT too.
    format!(
        "INSERT INTO rate_limit_bucket (key, theoretical_arrival_ns, last_charge_granted) {source} \
         ON CONFLICT (key) DO UPDATE SET \
           theoretical_arrival_ns = CASE WHEN excluded.last_charge_granted AND {fits} THEN {next} \
             ELSE {locked} END, \
           last_charge_granted = excluded.last_charge_granted AND {fits} \
         RETURNING key, theoretical_arrival_ns, last_charge_granted"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window's worth of cost-1 requests at one instant, then one more.
    fn burst(per_minute: u64) -> (u64, bool) {
        let now = 1_800_000_000_000_000_000;
        let mut tat = now;
        let mut admitted = 0;
        while let Ok(next) = decide(tat, now, per_minute, 1) {
            tat = next;
            admitted += 1;
            if admitted > per_minute {
                break;
            }
        }
        (admitted, decide(tat, now, per_minute, 1).is_err())
    }

    #[test]
    fn a_window_of_cheap_requests_fits_and_one_more_does_not_at_every_default() {
        let defaults = RateLimits::default();
        for per_minute in [
            defaults.anonymous,
            defaults.user,
            defaults.api_key,
            defaults.per_address,
        ] {
            assert_eq!(burst(per_minute), (per_minute, true), "at {per_minute} a minute");
        }
    }

    #[test]
    fn every_point_costs_time_and_a_bucket_refills_at_its_rate() {
        // Under whole milliseconds, 4 points at 250,000 and 16 at 1,000,000 added nothing.
        assert_eq!(increment_ns(250_000, 4), 960_000);
        assert_eq!(increment_ns(1_000_000, 16), 960_000);
        assert_eq!(increment_ns(1_000_000, 1), 60_000);
        // Rounded up where the rate does not divide a minute: never free, never cheaper.
        assert_eq!(increment_ns(7, 1), 8_571_428_572);
        let now = 1_800_000_000_000_000_000;
        let full = now + WINDOW_NS;
        assert!(decide(full, now, 1_000_000, 1).is_err());
        // 60 µs later, exactly one point has leaked out.
        assert_eq!(decide(full, now + 60_000, 1_000_000, 1), Ok(full + 60_000));
        let wait = decide(full, now, 1_000_000, 10).unwrap_err();
        assert_eq!(wait, Duration::from_nanos(600_000));
        assert_eq!(decide(now, now, 10, 11), Err(Duration::from_secs(60)));
    }
}
