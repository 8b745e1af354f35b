//! Step 4, prepare: resolves a persisted document, applies an API key's allow-list, refuses NUL,
//! takes the document parsed and shape-checked from the process's cache (async-graphql runs the
//! parsed document), checks the length of its lists and prices it.

use async_graphql::{
    parser::types::{ExecutableDocument, OperationType},
    Request, ServerError, Value,
};

use super::{refusal::Refusal, state::AppState};
use crate::{
    domain::persisted_document,
    error::ErrorCode,
    graphql::{
        bounds,
        cost::{self, Price, Types},
    },
};

/// An operation ready to run: its document parsed and handed to the request.
pub struct Prepared {
    pub request: Request,
    pub operation: Option<OperationType>,
    /// Whether the document asks for the schema itself at its root.
    pub introspects: bool,
    /// What it costs; `execute` charges it before the schema validates and runs it.
    pub price: Price,
    /// An automatic persisted query not yet stored: [`remember`] it once it has validated.
    pub persist: bool,
}

impl Prepared {
    pub fn is_mutation(&self) -> bool {
        self.operation == Some(OperationType::Mutation)
    }
}

/// The prepared operation; or this operation's error, answered beside the others of a batch; or
/// (`Err`) a refusal of the whole HTTP request.
pub async fn prepare(
    state: &AppState,
    mut request: Request,
    trusted_only: bool,
) -> Result<Result<Prepared, ServerError>, Refusal> {
    let bad_input = |message: &str| Ok(Err(ErrorCode::BadUserInput.server_error(message)));
    let persisted = persisted_hash(&request);
    if let Some(hash) = &persisted {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return bad_input("sha256Hash must be 64 hexadecimal characters");
        }
    }
    // PostgreSQL cannot store NUL in text; no field of this API has a use for it.
    let nul_in_variables = request
        .variables
        .iter()
        .any(|(name, value)| name.contains('\0') || has_nul(value));
    if request.query.contains('\0') || has_nul_escape(&request.query) || nul_in_variables {
        return bad_input("strings must not contain the NUL character");
    }
    let mut trusted = false;
    let mut persist = false;
    match (&persisted, request.query.trim().is_empty()) {
        (Some(hash), true) => match persisted_document::find(&state.db, hash).await {
            Ok(Some(doc)) => {
                if let Err(err) = persisted_document::touch(&state.db, &doc).await {
                    return Ok(Err(err.to_server_error()));
                }
                trusted = doc.trusted;
                request.query = doc.document;
            }
            Ok(None) => {
                return Ok(Err(
                    ErrorCode::PersistedQueryNotFound.server_error("PersistedQueryNotFound")
                ))
            }
            Err(err) => return Ok(Err(err.to_server_error())),
        },
        (Some(hash), false) => {
            if *hash != persisted_document::hash(&request.query) {
                return bad_input("the query does not match its sha256Hash");
            }
            if request.query.len() > persisted_document::MAX_DOCUMENT_BYTES {
                let max = persisted_document::MAX_DOCUMENT_BYTES;
                return bad_input(&format!("documents over {max} bytes are not persisted"));
            }
            match persisted_document::find(&state.db, hash).await {
                Ok(Some(doc)) => {
                    if let Err(err) = persisted_document::touch(&state.db, &doc).await {
                        return Ok(Err(err.to_server_error()));
                    }
                }
                // Stored only once it has validated, and charged for (see the endpoint).
                Ok(None) => persist = !trusted_only,
                Err(err) => return Ok(Err(err.to_server_error())),
            }
        }
        (None, _) => {}
    }
    if trusted_only && !trusted {
        let known = match persisted_document::find(&state.db, &persisted_document::hash(&request.query)).await {
            Ok(known) => known,
            Err(err) => return Ok(Err(err.to_server_error())),
        };
        if !known.is_some_and(|d| d.trusted) {
            let message = "this API key may only run trusted documents, sent by their sha256Hash";
            return Err(Refusal::new(ErrorCode::Forbidden, message));
        }
    }
    Ok(parse(state, request).map(|prepared| Prepared { persist, ..prepared }))
}

/// Stores an automatic persisted query whose operation validated and was paid for; a failure
/// costs the client a resend, not its answer.
pub async fn remember(state: &AppState, document: &str) {
    let limit = state.settings.persisted_query_limit;
    if let Err(err) = persisted_document::remember(&state.db, document, limit).await {
        tracing::warn!(%err, "automatic persisted query not stored");
    }
}

/// Parses the document (or takes it parsed from the cache), checks the length of its lists
/// and prices it.
fn parse(state: &AppState, mut request: Request) -> Result<Prepared, ServerError> {
    let parsed = state.documents.parse(&request.query)?;
    let document = &parsed.document;
    if let Some(too_many) = bounds::problem(document, &request.variables) {
        return Err(too_many.to_server_error());
    }
    // GraphQL's GetOperation(): a request error, before anything is charged or run.
    let name = request.operation_name.as_deref();
    let unnamed_among_many = name.is_none() && document.operations.iter().count() > 1;
    let Some(operation) = operation_type(document, name).filter(|_| !unnamed_among_many) else {
        let message = match name {
            Some(name) => format!("the document has no operation named {name:?}"),
            None if unnamed_among_many => "the document has several operations: name one in operationName".to_owned(),
            None => "the document has no operation".to_owned(),
        };
        return Err(ErrorCode::GraphqlValidationFailed.server_error(message));
    };
    // Priced here, where the document is known to be small, and charged before it runs.
    let price = cost::price(
        Types::of_schema(),
        document,
        request.operation_name.as_deref(),
        &request.variables,
    );
    request.set_parsed_query(document.clone());
    let request = request.data(price);
    Ok(Prepared {
        request,
        operation: Some(operation),
        introspects: parsed.introspects,
        price,
        persist: false,
    })
}

/// The `sha256Hash` of an automatic persisted query, in lower case.
fn persisted_hash(request: &Request) -> Option<String> {
    request.extensions.get("persistedQuery").and_then(|v| match v {
        Value::Object(o) => o.get("sha256Hash").and_then(|h| match h {
            Value::String(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        }),
        _ => None,
    })
}

/// Whether a value of the variables holds NUL in a string or a key: walked, not serialised, as
/// every request's variables pass here.
fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Enum(name) => name.contains('\0'),
        Value::List(items) => items.iter().any(has_nul),
        Value::Object(fields) => fields.iter().any(|(name, value)| name.contains('\0') || has_nul(value)),
        Value::Null | Value::Number(_) | Value::Boolean(_) | Value::Binary(_) => false,
    }
}

/// Whether a GraphQL string escape in the document stands for NUL (`\u0000`, `\u{0}`).
fn has_nul_escape(query: &str) -> bool {
    let lower = query.to_ascii_lowercase();
    lower.contains("\\u0000") || lower.contains("\\u{0}") || lower.contains("\\u{00}") || lower.contains("\\u{000}")
}

fn operation_type(document: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    document
        .operations
        .iter()
        .find(|(op_name, _)| name.is_none() || op_name.map(|n| n.as_str()) == name)
        .map(|(_, op)| op.node.ty)
}
