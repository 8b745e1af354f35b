//! Trusted documents: the allow-list that API keys in allow-list mode are held to.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::context::{caller, db};
use crate::{
    domain::{persisted_document, policy},
    error::AppResult,
};

/// A GraphQL document to allow for API keys in allow-list mode.
#[derive(InputObject)]
pub struct TrustDocumentInput {
    /// A name for people, e.g. "cnfiSyncClusters".
    pub name: String,
    /// The GraphQL document; it must parse and fit the schema.
    pub document: String,
}

/// The result of `trustDocument`.
#[derive(SimpleObject)]
pub struct TrustDocumentPayload {
    /// Send this as `extensions.persistedQuery.sha256Hash` (with `version: 1`) instead of the query.
    pub sha256_hash: String,
}

#[derive(Default)]
pub struct TrustedDocumentMutation;

#[Object]
impl TrustedDocumentMutation {
    /// Adds a document to the allow-list (administrators).
    async fn trust_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `TrustDocumentInput`.")]
        input: TrustDocumentInput,
    ) -> AppResult<TrustDocumentPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let document = persisted_document::trust(db(ctx), actor, &input.name, &input.document).await?;
        Ok(TrustDocumentPayload {
            sha256_hash: document.hash,
        })
    }
}
