//! A refusal of a whole HTTP request: one coded error and no GraphQL response, with the status
//! the code's entry in the error table gives a refusal.

use actix_web::{
    http::header::{HeaderName, HeaderValue},
    HttpResponse,
};
use serde_json::json;

use super::negotiate::Media;
use crate::error::{Answer, AppError, ErrorCode};

#[derive(Debug)]
pub struct Refusal {
    code: ErrorCode,
    message: String,
    header: Option<(HeaderName, HeaderValue)>,
}

impl Refusal {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            header: None,
        }
    }

    /// A header the status asks for, such as `Allow` beside 405.
    pub fn with_header(mut self, name: HeaderName, value: &'static str) -> Self {
        self.header = Some((name, HeaderValue::from_static(value)));
        self
    }

    pub fn into_response(self, media: Media) -> HttpResponse {
        let mut response = HttpResponse::build(self.code.status(Answer::Refusal));
        response.content_type(media.content_type());
        if let Some(header) = self.header {
            response.insert_header(header);
        }
        response.json(json!({
            "errors": [{ "message": self.message, "extensions": { "code": self.code.as_str() } }]
        }))
    }
}

impl Refusal {
    /// The refusal as a GraphQL error, where there is no HTTP answer to refuse (a WebSocket).
    pub fn into_server_error(self) -> async_graphql::ServerError {
        self.code.server_error(self.message)
    }
}

impl From<AppError> for Refusal {
    fn from(err: AppError) -> Self {
        Self::new(err.code(), err.to_string())
    }
}
