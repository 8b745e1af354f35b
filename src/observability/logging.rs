//! The process's log and trace output: text or JSON lines on stderr, and, when an OTLP endpoint
//! is set, every span exported to it.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{Protocol, WithExportConfig};
use opentelemetry_sdk::{propagation::TraceContextPropagator, trace::SdkTracerProvider, Resource};
use tracing_subscriber::{layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer};

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object a line, the request's span fields under `span`: for collectors.
    Json,
    /// Readable lines: for a person at a terminal.
    Text,
}

/// Why tracing could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("OTEL_EXPORTER_OTLP_ENDPOINT must be an http or https URL, e.g. http://127.0.0.1:4318")]
    Endpoint,
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// Keeps the exporter alive; dropped at exit, it sends the spans still queued.
#[must_use = "spans are exported only while the guard lives"]
pub struct Guard(Option<SdkTracerProvider>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(provider) = self.0.take() {
            if let Err(error) = provider.shutdown() {
                eprintln!("OTLP exporter: {error}");
            }
        }
    }
}

/// Installs the process's subscriber: `RUST_LOG` filter (default `info`), `format`, and spans
/// exported over OTLP/HTTP (protobuf) to `otlp_endpoint` (the collector's base URL; the
/// exporter posts to `/v1/traces` under it) when one is given. Call it outside any async
/// runtime: the exporter's blocking HTTP client makes its own.
pub fn init(format: LogFormat, otlp_endpoint: Option<&str>) -> Result<Guard, LoggingError> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match format {
        LogFormat::Json => fmt.json().with_current_span(true).with_span_list(false).boxed(),
        LogFormat::Text => fmt.boxed(),
    };
    let provider = otlp_endpoint.map(provider).transpose()?;
    let otel = provider.as_ref().map(|p| {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        tracing_opentelemetry::layer().with_tracer(p.tracer("clusterbridge"))
    });
    // Another subscriber already installed (a test harness) keeps its place.
    let _ = tracing_subscriber::registry()
        .with(otel)
        .with(fmt)
        .with(filter)
        .try_init();
    Ok(Guard(provider))
}

fn provider(endpoint: &str) -> Result<SdkTracerProvider, LoggingError> {
    let base = url::Url::parse(endpoint).map_err(|_| LoggingError::Endpoint)?;
    if !matches!(base.scheme(), "http" | "https") || !base.has_host() {
        return Err(LoggingError::Endpoint);
    }
    let traces = format!("{}/v1/traces", endpoint.trim_end_matches('/'));
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(traces)
        .build()?;
    // OTEL_SERVICE_NAME, when set, names the service; the builder reads it.
    let resource = match std::env::var_os("OTEL_SERVICE_NAME") {
        Some(_) => Resource::builder().build(),
        None => Resource::builder().with_service_name("clusterbridge").build(),
    };
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}
