//! Documents known by their SHA-256: automatic persisted queries for any client, and trusted
//! documents that allow-list API keys are limited to.

use chrono::Utc;
use entity::persisted_document;
use sea_orm::{sea_query::OnConflict, ActiveValue::Set, ConnectionTrait, EntityTrait};
use sha2::{Digest, Sha256};

use super::{
    audit::{self, AuditAction, AuditEntityType, Entry},
    policy,
};
use crate::{
    auth::Principal,
    error::{AppError, AppResult},
};

/// Longest document that may be persisted.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

pub fn hash(document: &str) -> String {
    hex::encode(Sha256::digest(document.as_bytes()))
}

pub async fn find<C: ConnectionTrait>(db: &C, hash: &str) -> AppResult<Option<persisted_document::Model>> {
    Ok(persisted_document::Entity::find_by_id(hash.to_ascii_lowercase())
        .one(db)
        .await?)
}

/// Remembers a document a client sent with its hash (APQ). Keeps an existing row as it is.
pub async fn remember<C: ConnectionTrait>(db: &C, document: &str) -> AppResult<String> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::bad_field(
            "query",
            format!("documents over {MAX_DOCUMENT_BYTES} bytes are not persisted"),
        ));
    }
    let hash = hash(document);
    persisted_document::Entity::insert(persisted_document::ActiveModel {
        hash: Set(hash.clone()),
        document: Set(document.to_owned()),
        name: Set(None),
        trusted: Set(false),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    Ok(hash)
}

/// An administrator vouches for a document; allow-list keys may run it by its hash.
pub async fn trust<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    name: &str,
    document: &str,
) -> AppResult<persisted_document::Model> {
    policy::may_grant_platform_role(actor)
        .map_err(|_| AppError::Forbidden("only administrators trust documents".into()))?;
    if async_graphql::parser::parse_query(document).is_err() {
        return Err(AppError::bad_field("document", "is not a GraphQL document"));
    }
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::bad_field(
            "document",
            format!("at most {MAX_DOCUMENT_BYTES} bytes"),
        ));
    }
    let hash = hash(document);
    persisted_document::Entity::insert(persisted_document::ActiveModel {
        hash: Set(hash.clone()),
        document: Set(document.to_owned()),
        name: Set(Some(name.trim().to_owned()).filter(|n| !n.is_empty())),
        trusted: Set(true),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::column(persisted_document::Column::Hash)
            .update_columns([persisted_document::Column::Trusted, persisted_document::Column::Name])
            .to_owned(),
    )
    .exec(db)
    .await?;
    let entry = Entry {
        entity_type: AuditEntityType::PersistedDocument,
        // The record is named by its hash; its first 128 bits serve as the audit log's id.
        entity_id: uuid::Uuid::from_slice(&Sha256::digest(document.as_bytes())[..16]).map_err(AppError::internal)?,
        action: AuditAction::Trust,
        changed_fields: vec!["trusted"],
        country: None,
    };
    audit::record(db, actor, entry).await?;
    find(db, &hash).await?.ok_or_else(|| {
        AppError::internal(format!(
            "persisted document {hash} cannot be read back after it was trusted"
        ))
    })
}
