//! Parsed documents by their text, so that a query clients send again and again is parsed and
//! shape-checked once per process rather than once per request.
//!
//! Only documents that parsed and passed the shape check are kept: a refused document is
//! refused again, at the price of parsing it again. The cache is bounded by the bytes of the
//! documents it holds, so a client sending endless distinct documents only evicts others.

use std::sync::Arc;

use async_graphql::{
    parser::types::{ExecutableDocument, Selection},
    ServerError,
};
use quick_cache::{sync::Cache, Weighter};

use crate::{
    error::ErrorCode,
    graphql::shape::{self, nesting_depth, MAX_NESTING},
};

/// Documents held at most; a directory front end sends a few dozen distinct ones.
const MAX_DOCUMENTS: usize = 2_000;
/// Bytes of document text held at most. The parsed form takes a small multiple of the text.
const MAX_BYTES: u64 = 4 * 1024 * 1024;
/// Longer documents are parsed every time: rare, and they would crowd out the common ones.
const MAX_CACHED_DOCUMENT_BYTES: usize = 16 * 1024;

/// A document that parsed and passed the shape check.
pub struct Parsed {
    pub document: ExecutableDocument,
    /// Whether an operation asks for the schema itself at its root.
    pub introspects: bool,
}

/// The process's parsed documents.
pub struct Documents {
    cache: Cache<String, Arc<Parsed>, TextWeight>,
}

#[derive(Clone)]
struct TextWeight;

impl Weighter<String, Arc<Parsed>> for TextWeight {
    fn weight(&self, text: &String, _: &Arc<Parsed>) -> u64 {
        text.len().max(1) as u64
    }
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            cache: Cache::with_weighter(MAX_DOCUMENTS, MAX_BYTES, TextWeight),
        }
    }
}

impl Documents {
    /// The parsed, shape-checked document, from the cache or parsed now.
    pub fn parse(&self, text: &str) -> Result<Arc<Parsed>, ServerError> {
        if let Some(parsed) = self.cache.get(text) {
            return Ok(parsed);
        }
        let parsed = Arc::new(parse(text)?);
        if text.len() <= MAX_CACHED_DOCUMENT_BYTES {
            self.cache.insert(text.to_owned(), parsed.clone());
        }
        Ok(parsed)
    }
}

/// Parses a document after refusing what the parser should not meet, then checks its shape.
fn parse(text: &str) -> Result<Parsed, ServerError> {
    // The parser recurses into nested values without a limit: refuse deep nesting before it.
    if nesting_depth(text) > MAX_NESTING {
        let message = format!("the query nests brackets deeper than {MAX_NESTING} levels");
        return Err(ErrorCode::QueryTooLarge.server_error(message));
    }
    let document = async_graphql::parser::parse_query(text)
        .map_err(|err| ErrorCode::GraphqlParseFailed.server_error(err.to_string()))?;
    if let Some((code, problem)) = shape::problem(&document) {
        return Err(code.server_error(problem));
    }
    let introspects = introspects(&document);
    Ok(Parsed { document, introspects })
}

/// Whether any operation asks for the schema itself at its root.
fn introspects(document: &ExecutableDocument) -> bool {
    document.operations.iter().any(|(_, op)| {
        op.node.selection_set.node.items.iter().any(|s| match &s.node {
            Selection::Field(f) => matches!(f.node.name.node.as_str(), "__schema" | "__type"),
            // Fragments may hide it; disable_introspection() still empties those answers.
            _ => false,
        })
    })
}
