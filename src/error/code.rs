//! The one table of error codes: every refusal of the service, from a bad input field to a body
//! over a mebibyte, carries one of these in `extensions.code`, and the table says which HTTP
//! status it lends the answer, so the endpoint never matches code strings to pick one.

use actix_web::http::StatusCode;
use async_graphql::{ServerError, Value};

/// Where an error reaches the client; with the code, this decides the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The whole HTTP request is refused before any operation runs.
    Refusal,
    /// In a GraphQL response as `application/json`, or in one as
    /// `application/graphql-response+json` that has data: 200 unless retrying later may help.
    Json,
    /// In an `application/graphql-response+json` response without data: GraphQL over HTTP asks
    /// for a 4xx or 5xx status there.
    GraphqlResponseWithoutData,
}

macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $code:literal, $refused:literal, $json:literal, $bare:literal, $transient:literal;)*) => {
        /// Every `extensions.code` the service sends.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* $variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it travels in `extensions.code`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The HTTP status an error with this code lends the answer that carries it.
            pub fn status(self, answer: Answer) -> StatusCode {
                let status: u16 = match (self, answer) {
                    $((ErrorCode::$variant, Answer::Refusal) => $refused,)*
                    $((ErrorCode::$variant, Answer::Json) => $json,)*
                    $((ErrorCode::$variant, Answer::GraphqlResponseWithoutData) => $bare,)*
                };
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }

            /// Whether the same request may succeed later, so an idempotency key must not keep
            /// this answer.
            pub const fn transient(self) -> bool {
                match self {
                    $(ErrorCode::$variant => $transient,)*
                }
            }
        }
    };
}

error_codes! {
    // variant                          code                         refused json bare  transient
    /// An input failed validation; `extensions.fields` lists every bad field.
    BadUserInput = "BAD_USER_INPUT",                                    400, 200, 400, false;
    /// No credential where one is needed, or a bad one.
    Unauthenticated = "UNAUTHENTICATED",                                401, 200, 422, false;
    /// Signed in, but not allowed.
    Forbidden = "FORBIDDEN",                                            403, 200, 422, false;
    /// The record to change, or one it refers to, does not exist.
    NotFound = "NOT_FOUND",                                             404, 200, 422, false;
    /// A stale version, a unique value in use, or a key still in use by a running request.
    Conflict = "CONFLICT",                                              409, 200, 422, false;
    /// Another transaction wrote the same records at the same time and the database gave this one
    /// up (SQLite's busy snapshot, PostgreSQL's serialization failure or deadlock): nothing was
    /// changed, and the same request may be sent again.
    TransactionConflict = "TRANSACTION_CONFLICT",                       409, 409, 409, true;
    /// Over the rate limit; `extensions.retryAfter` says when to try again.
    RateLimited = "RATE_LIMITED",                                       429, 429, 429, true;
    /// The document costs more than the request's budget.
    CostLimitExceeded = "COST_LIMIT_EXCEEDED",                          422, 200, 422, false;
    /// The request ran too long and was cancelled.
    Timeout = "TIMEOUT",                                                503, 503, 503, true;
    /// The database cannot be reached.
    Unavailable = "UNAVAILABLE",                                        503, 503, 503, true;
    /// Anything unexpected; the cause is in the log beside `extensions.requestId`.
    Internal = "INTERNAL",                                              500, 200, 500, true;
    /// The document does not parse.
    GraphqlParseFailed = "GRAPHQL_PARSE_FAILED",                        400, 200, 400, false;
    /// The document does not fit the schema, its variables do not fit the document, or it does
    /// not say which operation to run. GraphQL over HTTP asks for 400 for all three.
    GraphqlValidationFailed = "GRAPHQL_VALIDATION_FAILED",              400, 200, 400, false;
    /// Too many aliases, fields, directives or repeats, or brackets nested too deep.
    QueryTooLarge = "QUERY_TOO_LARGE",                                  400, 200, 422, false;
    /// A hash without its document. Persisted-query clients expect this in a 200 answer,
    /// then send the document with its hash.
    PersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND",               200, 200, 200, false;
    /// The client accepts no media type this endpoint answers.
    NotAcceptable = "NOT_ACCEPTABLE",                                   406, 406, 406, false;
    /// The body is not JSON.
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE",                    415, 415, 415, false;
    /// The body is over the limit.
    PayloadTooLarge = "PAYLOAD_TOO_LARGE",                              413, 413, 413, false;
    /// A mutation sent with GET.
    MethodNotAllowed = "METHOD_NOT_ALLOWED",                            405, 405, 405, false;
    /// A body a browser may send cross-site without asking first (CSRF), without a preflight header.
    PreflightRequired = "PREFLIGHT_REQUIRED",                           400, 400, 400, false;
    /// An `Idempotency-Key` used before for a different request.
    IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED",                    422, 422, 422, false;
    /// A record asked to move from one state to another its life cycle does not allow
    /// (accepting a cancelled meeting request, the requester accepting its own, opening a
    /// finished event).
    TransitionNotAllowed = "TRANSITION_NOT_ALLOWED",                    409, 200, 422, false;
    /// A matchmaking event that is not OPEN takes no registrations and no meeting requests.
    EventNotOpen = "EVENT_NOT_OPEN",                                    409, 200, 422, false;
    /// Registration for a matchmaking event after its registration deadline.
    RegistrationDeadlinePassed = "REGISTRATION_DEADLINE_PASSED",        409, 200, 422, false;
    /// A meeting request after the event's request deadline.
    RequestDeadlinePassed = "REQUEST_DEADLINE_PASSED",                  409, 200, 422, false;
    /// A meeting of a participant with itself.
    MeetingWithOneself = "MEETING_WITH_ONESELF",                        409, 200, 422, false;
    /// A meeting of a pair that already has a live (requested or accepted) one.
    MeetingAlreadyRequested = "MEETING_ALREADY_REQUESTED",              409, 200, 422, false;
    /// A meeting past either side's maximum number of meetings.
    MeetingLimitReached = "MEETING_LIMIT_REACHED",                      409, 200, 422, false;
    /// A meeting with, or by, a participant the organisers have not approved.
    ParticipantNotApproved = "PARTICIPANT_NOT_APPROVED",                409, 200, 422, false;
    /// A meeting of a kind (C2C, C2B, B2B) the event does not allow.
    MeetingKindNotAllowed = "MEETING_KIND_NOT_ALLOWED",                 409, 200, 422, false;
    /// A meeting outcome for an event that is not FINISHED yet.
    EventNotFinished = "EVENT_NOT_FINISHED",                            409, 200, 422, false;
    /// A meeting outcome for a meeting that did not take place (not accepted, or never given a slot).
    MeetingNotHeld = "MEETING_NOT_HELD",                                409, 200, 422, false;
    /// A subscription over the per-socket cap of active subscriptions.
    SubscriptionLimitReached = "SUBSCRIPTION_LIMIT_REACHED",            409, 200, 422, false;
    /// A WebSocket over the process's cap of open subscription sockets.
    ConnectionLimitReached = "CONNECTION_LIMIT_REACHED",                503, 503, 503, true;
    /// A mailed link's token (confirm a subscription, unsubscribe, verify an address, reset a
    /// password) that is malformed, forged, expired, made for another purpose or used already: one
    /// code for all, so a caller learns nothing about which, nor about accounts. Ask for a new link.
    LinkInvalid = "LINK_INVALID",                                       400, 200, 422, false;
    /// A change feed cursor older than the feed's retention (CHANGE_FEED_RETENTION): changes after
    /// it are gone. Synchronise again from the list and follow the feed from `changeFeedCursor`.
    CursorExpired = "CURSOR_EXPIRED",                                   410, 200, 422, false;
    /// A multipart request with more files than the endpoint takes (`UPLOAD_MAX_FILES`).
    TooManyFiles = "TOO_MANY_FILES",                                    400, 400, 400, false;
}

impl ErrorCode {
    /// The code of a GraphQL error, if it has one of ours.
    pub fn of(error: &ServerError) -> Option<ErrorCode> {
        match error.extensions.as_ref()?.get("code")? {
            Value::String(code) => ErrorCode::ALL.iter().copied().find(|c| c.as_str() == code),
            _ => None,
        }
    }

    /// A request-level GraphQL error with this code.
    pub fn server_error(self, message: impl Into<String>) -> ServerError {
        let mut error = ServerError::new(message, None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", self.as_str());
        error
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_are_unique_and_read_back() {
        for (i, code) in ErrorCode::ALL.iter().enumerate() {
            assert!(ErrorCode::ALL[..i].iter().all(|c| c.as_str() != code.as_str()));
            assert_eq!(ErrorCode::of(&code.server_error("x")), Some(*code));
        }
    }
}
