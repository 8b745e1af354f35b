//! The one error type of the service and its one mapping to GraphQL error codes.
//!
//! async-graphql's `custom-error-conversion` feature is on, so a bare `?` on a database error does
//! not compile in a resolver: every failure passes through [`AppError`], which never carries SQL
//! text or driver messages to the client.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;

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
    #[error("rate limit exceeded: retry in {} s", retry_after.as_secs().max(1))]
    RateLimited { retry_after: std::time::Duration },
    #[error("the query costs {cost} points; your budget per request is {budget}")]
    CostLimitExceeded { cost: usize, budget: usize },
    #[error("the request took too long and was cancelled")]
    Timeout,
    /// The database cannot be reached; retrying later may succeed.
    #[error("the service is unavailable; retry shortly")]
    Unavailable,
    /// The cause has been logged where it happened; the client learns only that it failed.
    #[error("internal error")]
    Internal,
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadUserInput { .. } => "BAD_USER_INPUT",
            AppError::NotFound(_) => "NOT_FOUND",
            AppError::Conflict(_) => "CONFLICT",
            AppError::Unauthenticated(_) => "UNAUTHENTICATED",
            AppError::Forbidden(_) => "FORBIDDEN",
            AppError::RateLimited { .. } => "RATE_LIMITED",
            AppError::CostLimitExceeded { .. } => "COST_LIMIT_EXCEEDED",
            AppError::Timeout => "TIMEOUT",
            AppError::Unavailable => "UNAVAILABLE",
            AppError::Internal => "INTERNAL",
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

    /// Logs an unexpected failure and hides it from the client.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        AppError::Internal
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
                other => AppError::internal(other),
            },
        }
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
            ext.set("code", self.code());
            match self {
                AppError::RateLimited { retry_after } => ext.set("retryAfter", retry_after.as_secs().max(1)),
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
