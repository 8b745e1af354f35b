//! Step 1, negotiate: which media type the answer takes, from the `Accept` header.

use actix_web::{http::header, HttpRequest};

use super::refusal::Refusal;
use crate::error::ErrorCode;

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// The response media type the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Json,
    /// GraphQL over HTTP's own type, whose statuses say more than 200.
    GraphqlResponse,
}

impl Media {
    pub fn content_type(self) -> &'static str {
        match self {
            Media::Json => "application/json",
            Media::GraphqlResponse => GRAPHQL_RESPONSE_JSON,
        }
    }
}

/// The media type of the answer; no `Accept` header means JSON.
pub fn negotiate(http: &HttpRequest) -> Result<Media, Refusal> {
    let Some(accept) = http.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Media::Json);
    };
    let types: Vec<&str> = accept
        .split(',')
        .map(|t| t.split(';').next().unwrap_or("").trim())
        .collect();
    if types.contains(&GRAPHQL_RESPONSE_JSON) {
        Ok(Media::GraphqlResponse)
    } else if types
        .iter()
        .any(|t| matches!(*t, "application/json" | "application/*" | "*/*" | ""))
    {
        Ok(Media::Json)
    } else {
        Err(Refusal::new(
            ErrorCode::NotAcceptable,
            "this endpoint answers application/graphql-response+json or application/json",
        ))
    }
}
