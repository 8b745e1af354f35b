//! `Idempotency-Key` for mutations: a replay gets the first answer, the same key with another
//! request is refused, and so is the same key while the first request still runs. Keys live in
//! the database, so a retry that lands on another replica is recognised too. A key lives 24
//! hours, then is free again and swept (`sweep.rs`). The endpoint's step that uses them is
//! `claim.rs`.

use async_graphql::Request;
use chrono::Utc;
use entity::idempotency_key;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

pub const MAX_KEY_LENGTH: usize = 255;

/// What makes two requests the same for an idempotency key.
pub fn fingerprint(request: &Request) -> String {
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    let mut hasher = Sha256::new();
    for part in [
        request.query.as_str(),
        request.operation_name.as_deref().unwrap_or(""),
        &variables,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

pub enum Claim {
    /// First use: run the request, then [`finish`] or [`release`].
    Fresh,
    /// Seen and done: here is the first answer.
    Replay(String),
    /// Same key, different request.
    Mismatch,
    /// Same key, first request still running.
    InProgress,
}

pub async fn claim(db: &DatabaseConnection, principal: &str, key: &str, fingerprint: &str) -> AppResult<Claim> {
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || key.chars().any(|c| c.is_control()) {
        return Err(AppError::bad_field(
            "Idempotency-Key",
            format!("must be 1–{MAX_KEY_LENGTH} printable characters"),
        ));
    }
    let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        principal: Set(principal.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        response: Set(None),
        created_at: Set(Utc::now()),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await?;
    if matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
        return Ok(Claim::Fresh);
    }
    let row = idempotency_key::Entity::find_by_id((principal.to_owned(), key.to_owned()))
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("the idempotency key is missing after its insert"))?;
    if row.created_at < Utc::now() - super::sweep::IDEMPOTENCY_KEY_LIFETIME {
        // Expired but not yet swept: the key is free again. Only one of two racing claims
        // replaces the row it read; the other sees the fresh row next time.
        let replaced = idempotency_key::Entity::update_many()
            .set(idempotency_key::ActiveModel {
                fingerprint: Set(fingerprint.to_owned()),
                response: Set(None),
                created_at: Set(Utc::now()),
                ..Default::default()
            })
            .filter(idempotency_key::Column::Principal.eq(principal))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::CreatedAt.eq(row.created_at))
            .exec(db)
            .await?;
        if replaced.rows_affected == 1 {
            return Ok(Claim::Fresh);
        }
        return Ok(Claim::InProgress);
    }
    Ok(if row.fingerprint != fingerprint {
        Claim::Mismatch
    } else {
        match row.response {
            Some(response) => Claim::Replay(response),
            None => Claim::InProgress,
        }
    })
}

/// Stores the answer for later replays.
pub async fn finish(db: &DatabaseConnection, principal: &str, key: &str, response: &str) -> AppResult<()> {
    idempotency_key::Entity::update_many()
        .set(idempotency_key::ActiveModel {
            response: Set(Some(response.to_owned())),
            ..Default::default()
        })
        .filter(idempotency_key::Column::Principal.eq(principal))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}

/// Forgets a key whose request failed for a passing reason, so the client may retry with it.
pub async fn release(db: &DatabaseConnection, principal: &str, key: &str) -> AppResult<()> {
    idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::Principal.eq(principal))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(db)
        .await?;
    Ok(())
}
