//! Step 7, respond: gives every error a code, masks what a client must not see, and answers
//! with the status the error table gives the worst error for the negotiated media type.
//!
//! An operation that never began to execute (its document did not parse or validate, or it was
//! refused) answers without a `data` entry, as the GraphQL specification asks of request errors;
//! one that ran has `data`, null or not.

use actix_web::{http::header, http::StatusCode, HttpResponse};
use async_graphql::{Response, Value};

use super::negotiate::Media;
use crate::observability::RequestId;
use crate::{
    auth::Caller,
    error::{Answer, ErrorCode},
};

/// The answers to the operations of one HTTP request, as they come.
pub struct Answers {
    media: Media,
    production: bool,
    request_id: RequestId,
    responses: Vec<Response>,
    /// Each answer as the JSON text it is sent as.
    bodies: Vec<String>,
    status: StatusCode,
    retry_after: Option<u64>,
}

impl Answers {
    pub fn new(media: Media, production: bool, request_id: RequestId) -> Self {
        Self {
            media,
            production,
            request_id,
            responses: Vec::new(),
            bodies: Vec::new(),
            status: StatusCode::OK,
            retry_after: None,
        }
    }

    /// Adds one operation's answer, its errors finished, and whether it `executed`; the finished
    /// answer and its JSON are what an idempotency key keeps.
    pub fn push(&mut self, mut response: Response, executed: bool) -> (&Response, &str) {
        finish_errors(&mut response, self.production, &self.request_id, executed);
        let answer = match self.media {
            Media::GraphqlResponse if !executed => Answer::GraphqlResponseWithoutData,
            _ => Answer::Json,
        };
        for error in &response.errors {
            let Some(code) = ErrorCode::of(error) else { continue };
            self.status = self.status.max(code.status(answer));
            if code == ErrorCode::RateLimited {
                let wait = match error.extensions.as_ref().and_then(|e| e.get("retryAfter")) {
                    Some(Value::Number(n)) => n.as_u64(),
                    _ => None,
                };
                self.retry_after = self.retry_after.max(wait.or(Some(60)));
            }
        }
        // Serialised once, straight to the text the HTTP body and an idempotency key share.
        let text = if executed {
            serde_json::to_string(&response)
        } else {
            serde_json::to_value(&response).and_then(|mut body| {
                if let Some(object) = body.as_object_mut() {
                    object.remove("data");
                }
                serde_json::to_string(&body)
            })
        }
        .unwrap_or_else(|_| "null".to_owned());
        self.responses.push(response);
        self.bodies.push(text);
        (
            &self.responses[self.responses.len() - 1],
            &self.bodies[self.bodies.len() - 1],
        )
    }

    /// The HTTP response: one object for a single operation, an array for a batch.
    pub fn respond(self, caller: &Caller, single: bool) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        builder.content_type(self.media.content_type());
        // Texts answer in the language `Accept-Language` asks for: a shared cache must key on it.
        builder.insert_header((header::VARY, "Accept-Language"));
        if caller.principal().is_some() {
            builder.insert_header((header::CACHE_CONTROL, "private, no-store"));
        }
        if let Some(seconds) = self
            .retry_after
            .filter(|_| self.status == StatusCode::TOO_MANY_REQUESTS)
        {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        match (single, self.bodies.len()) {
            (true, 1) => builder.body(self.bodies.into_iter().next().unwrap_or_default()),
            _ => builder.body(format!("[{}]", self.bodies.join(","))),
        }
    }
}

/// The first answer to a request retried under the same `Idempotency-Key`.
pub fn replay(body: String, media: Media) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(media.content_type())
        .insert_header(("Idempotent-Replayed", "true"))
        .body(body)
}

/// Gives every error a code, and masks what a client must not see.
fn finish_errors(response: &mut Response, production: bool, request_id: &RequestId, executed: bool) {
    for error in &mut response.errors {
        // Every error of our own carries a code; one without comes from async-graphql checking
        // the client's document or input values (a wrong type, a missing variable, a bad scalar).
        let code = ErrorCode::of(error).unwrap_or(if error.path.is_empty() && !executed {
            ErrorCode::GraphqlValidationFailed
        } else {
            ErrorCode::BadUserInput
        });
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("code", code.as_str());
        if code == ErrorCode::Internal {
            extensions.set("requestId", request_id.as_str());
            if production {
                error.message = "internal error".into();
            }
        }
    }
}
