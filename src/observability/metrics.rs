//! The metrics this process records, their names, and the recorder `/metrics` renders.
//!
//! Counters and histograms go through the `metrics` facade, so a domain module records with one
//! line and no handle; gauges that describe one server's state (its pool, its sockets, the
//! outbox) are read when scraped, in `crate::http::metrics`.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// HTTP requests by `route`, GraphQL `operation` and `outcome` (ok, error, refused).
pub const HTTP_REQUESTS: &str = "http_requests_total";
/// Seconds from a request's arrival to its response's head, by `route` and `operation`.
pub const HTTP_REQUEST_DURATION: &str = "http_request_duration_seconds";
/// Requests turned away by a cost-point bucket, by `bucket` (caller or address).
pub const RATE_LIMIT_REFUSALS: &str = "rate_limit_refusals_total";
/// Password and secret checks refused while an account or address is throttled.
pub const THROTTLE_REFUSALS: &str = "throttle_refusals_total";
/// Matchmaking scheduler runs, by `outcome` (ok, error).
pub const SCHEDULER_RUNS: &str = "scheduler_runs_total";
/// Seconds one scheduler run took.
pub const SCHEDULER_RUN_DURATION: &str = "scheduler_run_duration_seconds";

/// Latency buckets in seconds: from a cached lookup to the request timeout.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's recorder, installed on first use. A process has one metrics facade, so every
/// server of a process (the tests start many) shares these counters.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics shows no counters");
        }
        metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests by route, GraphQL operation and outcome");
        metrics::describe_histogram!(
            HTTP_REQUEST_DURATION,
            metrics::Unit::Seconds,
            "Time to a response's head by route and GraphQL operation"
        );
        metrics::describe_counter!(RATE_LIMIT_REFUSALS, "Requests refused by a cost-point bucket");
        metrics::describe_counter!(THROTTLE_REFUSALS, "Credential checks refused while throttled");
        metrics::describe_counter!(SCHEDULER_RUNS, "Matchmaking scheduler runs by outcome");
        metrics::describe_counter!(
            crate::db::replicas::DATABASE_READS,
            "Queries' reads by target database (primary, replica1 …)"
        );
        metrics::describe_histogram!(
            SCHEDULER_RUN_DURATION,
            metrics::Unit::Seconds,
            "Time of one scheduler run"
        );
        handle
    })
}

/// How a request ended, as the `outcome` label says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Ran without errors.
    Ok,
    /// Ran, and answered with errors (or the server failed).
    Error,
    /// Turned away before it ran: a limit, a bad request, no right to it.
    Refused,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Refused => "refused",
        }
    }

    /// The outcome of a request that is not GraphQL, by its status.
    pub fn of_status(status: actix_web::http::StatusCode) -> Self {
        if status.is_server_error() {
            Outcome::Error
        } else if status.is_client_error() {
            Outcome::Refused
        } else {
            Outcome::Ok
        }
    }
}

/// What the GraphQL endpoint tells the metrics about the request it answered (left in the
/// response's extensions).
#[derive(Debug, Clone)]
pub struct OperationOutcome {
    pub operation: &'static str,
    pub outcome: Outcome,
}

/// The `operation` label of a request that is not GraphQL.
pub const NOT_GRAPHQL: &str = "";
/// A GraphQL request whose operation has no name.
pub const UNNAMED: &str = "(unnamed)";
/// Several operations in one request.
pub const BATCH: &str = "(batch)";
/// A name that is no GraphQL name, too long, or past [`MAX_OPERATION_NAMES`].
pub const OTHER: &str = "(other)";
/// Longest operation name kept as a label.
pub const MAX_OPERATION_LEN: usize = 64;
/// Distinct operation names one process keeps as labels: callers choose the names, so the
/// series they can make are bounded; later names count as [`OTHER`].
pub const MAX_OPERATION_NAMES: usize = 200;

/// The `operation` label for a GraphQL operation's name, bounded as the constants above say.
pub fn operation_label(name: Option<&str>) -> &'static str {
    static SEEN: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let Some(name) = name else {
        return UNNAMED;
    };
    let is_name = name.len() <= MAX_OPERATION_LEN
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return OTHER;
    }
    let Ok(mut seen) = SEEN.get_or_init(Default::default).lock() else {
        return OTHER;
    };
    if let Some(known) = seen.get(name) {
        return known;
    }
    if seen.len() >= MAX_OPERATION_NAMES {
        return OTHER;
    }
    // Leaked once per distinct name, at most MAX_OPERATION_NAMES × 64 bytes a process.
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    seen.insert(kept);
    kept
}

/// Counts one answered request and its time.
pub fn record_request(route: &str, operation: &'static str, outcome: Outcome, seconds: f64) {
    let labels = [
        ("route", route.to_owned()),
        ("operation", operation.to_owned()),
        ("outcome", outcome.label().to_owned()),
    ];
    metrics::counter!(HTTP_REQUESTS, &labels).increment(1);
    metrics::histogram!(HTTP_REQUEST_DURATION, &labels[..2]).record(seconds);
}

/// Counts one run of the matchmaking scheduler and its time.
pub fn record_scheduler_run(ok: bool, took: std::time::Duration) {
    let outcome = if ok { "ok" } else { "error" };
    metrics::counter!(SCHEDULER_RUNS, "outcome" => outcome).increment(1);
    metrics::histogram!(SCHEDULER_RUN_DURATION).record(took.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_labels_are_bounded() {
        assert_eq!(operation_label(None), UNNAMED);
        assert_eq!(operation_label(Some("ClusterPage")), "ClusterPage");
        assert_eq!(operation_label(Some(&"A".repeat(65))), OTHER);
        assert_eq!(operation_label(Some("not a name")), OTHER);
        assert_eq!(operation_label(Some("1st")), OTHER);
        for i in 0..(MAX_OPERATION_NAMES + 10) {
            let _ = operation_label(Some(&format!("Spray{i}")));
        }
        assert_eq!(operation_label(Some("OneTooMany")), OTHER);
        assert_eq!(operation_label(Some("ClusterPage")), "ClusterPage", "known names stay");
    }
}
