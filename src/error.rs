//! The one error type of the service and its one mapping to GraphQL error codes.
//!
//! async-graphql's `custom-error-conversion` feature is on, so a bare `?` on a database error does
//! not compile in a resolver: every failure passes through [`AppError`], which never carries SQL
//! text or driver messages to the client. The codes and the HTTP statuses they lend an answer
//! are one table, in [`code`].

mod code;
mod refusal;

use async_graphql::{ErrorExtensions, ServerError};
use sea_orm::{DbErr, RuntimeErr, SqlErr};
use serde::Serialize;

pub use code::{Answer, ErrorCode};
pub use refusal::Refusal;

/// An input field that failed validation, named as the client wrote it (`website`, `memberCounts.sme`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadUserInput { message: String, fields: Vec<FieldError> },
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error("{0}")]
    Forbidden(String),
    /// A rule of the domain's life cycles refuses the change; the refusal names its code.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The database gave the transaction up for another that wrote the same records; it changed
    /// nothing, and retrying may succeed.
    #[error("another write to the same records ran at the same time; nothing was changed, send the request again")]
    TransactionConflict,
    #[error("rate limit exceeded: retry in {} s", whole_seconds(*retry_after))]
    RateLimited { retry_after: std::time::Duration },
    #[error("the query costs {cost} points; your budget per request is {budget}")]
    CostLimitExceeded { cost: usize, budget: usize },
    #[error("the request took too long and was cancelled")]
    Timeout,
    /// The database cannot be reached; retrying later may succeed.
    #[error("the service is unavailable; retry shortly")]
    Unavailable,
    /// The cause has been logged, beside the request id; the client learns only that it failed.
    /// Built by [`AppError::internal`] only, which does the logging.
    #[error("internal error")]
    Internal(Logged),
}

/// Proof that the cause of an [`AppError::Internal`] was logged: only [`AppError::internal`]
/// makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged(());

impl AppError {
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::BadUserInput { .. } => ErrorCode::BadUserInput,
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::Unauthenticated(_) => ErrorCode::Unauthenticated,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::Refused(refusal) => refusal.code(),
            AppError::RateLimited { .. } => ErrorCode::RateLimited,
            AppError::CostLimitExceeded { .. } => ErrorCode::CostLimitExceeded,
            AppError::TransactionConflict => ErrorCode::TransactionConflict,
            AppError::Timeout => ErrorCode::Timeout,
            AppError::Unavailable => ErrorCode::Unavailable,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    /// A single bad field.
    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        AppError::BadUserInput {
            message: format!("{field}: {message}"),
            fields: vec![FieldError { field, message }],
        }
    }

    /// Logs an unexpected failure and hides it from the client. The log line belongs to the
    /// current span, which in a request is the endpoint's and carries the request id that the
    /// client finds in `extensions.requestId`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        AppError::Internal(Logged(()))
    }

    /// This error as a request-level GraphQL error (no position), with all its extensions.
    pub fn to_server_error(&self) -> ServerError {
        let error = self.extend();
        let mut server_error = ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            // Two writers raced past the application's own uniqueness check.
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::info!(%detail, "unique constraint violated");
                AppError::Conflict("a record with the same unique value already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
                tracing::info!(%detail, "foreign key constraint violated");
                AppError::Conflict("a referenced record does not exist or is still referenced".into())
            }
            _ => match err {
                DbErr::ConnectionAcquire(cause) => {
                    tracing::warn!(%cause, "no database connection");
                    AppError::Unavailable
                }
                DbErr::Conn(cause) => {
                    tracing::warn!(%cause, "database connection failed");
                    AppError::Unavailable
                }
                DbErr::Query(RuntimeErr::SqlxError(cause)) | DbErr::Exec(RuntimeErr::SqlxError(cause))
                    if lost_to_another_writer(&cause) =>
                {
                    tracing::info!(%cause, "transaction given up for a concurrent writer");
                    AppError::TransactionConflict
                }
                // The connection broke under the statement (a database restart, a dropped link).
                DbErr::Query(RuntimeErr::SqlxError(cause)) | DbErr::Exec(RuntimeErr::SqlxError(cause))
                    if connection_lost(&cause) =>
                {
                    tracing::warn!(%cause, "database connection lost");
                    AppError::Unavailable
                }
                other => AppError::internal(other),
            },
        }
    }
}

/// Whether a driver error says the connection is gone, rather than that the statement failed:
/// the socket broke, or PostgreSQL ended the session (class 08, or 57P01–57P03: shut down,
/// crashed, not accepting connections yet).
fn connection_lost(cause: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match cause {
        Error::Io(_) | Error::Tls(_) | Error::PoolClosed | Error::WorkerCrashed => true,
        Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// Whether the database gave the transaction up because another one wrote first: SQLite's BUSY
/// and LOCKED (primary codes 5 and 6, with their extended codes such as 517, BUSY_SNAPSHOT: a
/// transaction that read before another committed a write cannot write itself, and waiting does
/// not help), PostgreSQL's serialization failure (40001) and deadlock (40P01).
fn lost_to_another_writer(cause: &sea_orm::sqlx::Error) -> bool {
    let sea_orm::sqlx::Error::Database(db) = cause else {
        return false;
    };
    let Some(code) = db.code() else {
        return false;
    };
    if db.try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>().is_some() {
        code.parse::<u32>()
            .is_ok_and(|extended| matches!(extended & 0xff, 5 | 6))
    } else {
        matches!(&*code, "40001" | "40P01")
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        async_graphql::Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code().as_str());
            match self {
                AppError::RateLimited { retry_after } => ext.set("retryAfter", whole_seconds(*retry_after)),
                AppError::CostLimitExceeded { cost, budget } => {
                    ext.set("cost", *cost as u64);
                    ext.set("budget", *budget as u64);
                }
                _ => {}
            }
            if let AppError::BadUserInput { fields, .. } = self {
                let fields: Vec<async_graphql::Value> = fields
                    .iter()
                    .map(|f| {
                        let mut map = async_graphql::indexmap::IndexMap::new();
                        map.insert(
                            async_graphql::Name::new("field"),
                            async_graphql::Value::from(f.field.clone()),
                        );
                        map.insert(
                            async_graphql::Name::new("message"),
                            async_graphql::Value::from(f.message.clone()),
                        );
                        async_graphql::Value::Object(map)
                    })
                    .collect();
                ext.set("fields", fields);
            }
        })
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// A wait in whole seconds for `Retry-After`, rounded up: a client that waits that long fits.
fn whole_seconds(wait: std::time::Duration) -> u64 {
    (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::AppError;

    /// Log lines, kept for the test to read.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::ErrorKind::Other)?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn an_internal_error_logs_its_cause_beside_the_request_id() {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let (request_id, err) = tracing::subscriber::with_default(subscriber, || {
            let request_id = uuid::Uuid::now_v7();
            let _request = tracing::info_span!("graphql", %request_id).entered();
            (request_id, AppError::internal("disk on fire"))
        });
        assert_eq!(err.code(), super::ErrorCode::Internal);
        assert_eq!(err.to_string(), "internal error", "the cause stays in the log");
        let log = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains(&format!("request_id={request_id}")), "{log}");
        assert!(log.contains("disk on fire"), "{log}");
    }
}
