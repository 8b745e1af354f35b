//! Documents known by their SHA-256: automatic persisted queries for any client, and trusted
//! documents that allow-list API keys are limited to.
//!
//! Any anonymous client may ask for an automatic one to be stored, so their number is bounded:
//! past the limit the least recently used go first. Trusted documents are never evicted.

use chrono::{Duration, Utc};
use entity::persisted_document;
use sea_orm::{
    sea_query::OnConflict, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
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

/// How often a document's use is written down: LRU order to the hour costs no write per request.
const USE_RESOLUTION: Duration = Duration::hours(1);

/// Rate-limit points for storing a document: a flat fee for the row, and its size.
pub fn storage_fee(document_bytes: usize) -> u64 {
    500 + document_bytes as u64 / 16
}

/// Notes that a stored document was used, at most once per [`USE_RESOLUTION`].
pub async fn touch<C: ConnectionTrait>(db: &C, document: &persisted_document::Model) -> AppResult<()> {
    let now = Utc::now();
    if now - document.last_used_at < USE_RESOLUTION {
        return Ok(());
    }
    persisted_document::Entity::update_many()
        .set(persisted_document::ActiveModel {
            last_used_at: Set(now),
            ..Default::default()
        })
        .filter(persisted_document::Column::Hash.eq(document.hash.clone()))
        .exec(db)
        .await?;
    Ok(())
}

/// Evicts the least recently used automatic documents beyond `limit`; returns how many.
pub async fn evict<C: ConnectionTrait>(db: &C, limit: u64) -> AppResult<u64> {
    let automatic = persisted_document::Entity::find().filter(persisted_document::Column::Trusted.eq(false));
    let over = automatic.clone().count(db).await?.saturating_sub(limit);
    if over == 0 {
        return Ok(0);
    }
    let oldest: Vec<String> = automatic
        .order_by_asc(persisted_document::Column::LastUsedAt)
        .order_by_asc(persisted_document::Column::Hash)
        .limit(over)
        .select_only()
        .column(persisted_document::Column::Hash)
        .into_tuple()
        .all(db)
        .await?;
    let deleted = persisted_document::Entity::delete_many()
        .filter(persisted_document::Column::Hash.is_in(oldest))
        .filter(persisted_document::Column::Trusted.eq(false))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected)
}

/// Remembers a document a client sent with its hash (APQ), once it has validated. Keeps an
/// existing row as it is; a new one may evict the least recently used beyond `limit`.
pub async fn remember<C: ConnectionTrait>(db: &C, document: &str, limit: u64) -> AppResult<String> {
    if document.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::bad_field(
            "query",
            format!("documents over {MAX_DOCUMENT_BYTES} bytes are not persisted"),
        ));
    }
    let hash = hash(document);
    let inserted = persisted_document::Entity::insert(persisted_document::ActiveModel {
        hash: Set(hash.clone()),
        document: Set(document.to_owned()),
        name: Set(None),
        trusted: Set(false),
        created_at: Set(Utc::now()),
        last_used_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
        evict(db, limit).await?;
    }
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
        last_used_at: Set(Utc::now()),
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
