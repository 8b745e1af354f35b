//! Observability: structured logs with a request id, Prometheus metrics, OpenTelemetry traces.
//!
//! The request's root span (its id, the incoming `traceparent`) is made in [`span`]; logs and
//! the OTLP export are set up once per process in [`logging`]; the metric names and their
//! recorder are in [`metrics`]. The HTTP side (the middleware, `/metrics`) is in `crate::http`.

pub mod logging;
pub mod metrics;
pub mod request_id;
pub mod span;

pub use request_id::RequestId;
