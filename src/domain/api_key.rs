//! API keys of partner systems: shown once, stored as a hash, scoped to countries of their
//! partner organisation, expiring and revocable.
//!
//! Keys cannot breed: only a signed-in person (a partner of the organisation or an administrator)
//! makes or revokes them, never a key or a token exchanged from one. A key lives no longer than
//! its creator's authority: grants do not expire, so its own expiry (at most a year) bounds it,
//! and revoking the creator's grant revokes the keys it made. A token exchanged from a key ends
//! when the key does, revoked or expired (checked on each request, see `account::Revocations`).

use chrono::{DateTime, Utc};
use entity::{api_key, api_key_country, partner_organisation_country};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, AuditAction, AuditEntityType, Entry},
    policy,
    throttle::{PasswordGuard, Target},
    validation::{Checker, NAME_MAX},
};
use crate::{
    auth::{secret, Actor, Principal, Role, TokenService, API_KEY_SUBJECT_PREFIX},
    error::{AppError, AppResult},
};

pub const KEY_PREFIX: &str = "cbk_";
const DEFAULT_DAYS: i64 = 90;
const MAX_DAYS: i64 = 366;

pub struct NewKey {
    pub model: api_key::Model,
    pub countries: Vec<String>,
    /// The key itself: shown once, never stored.
    pub key: String,
}

pub fn looks_like_key(token: &str) -> bool {
    token.starts_with(KEY_PREFIX)
}

async fn organisation_countries<C: ConnectionTrait>(db: &C, org: Uuid) -> AppResult<Vec<String>> {
    Ok(partner_organisation_country::Entity::find()
        .filter(partner_organisation_country::Column::PartnerOrganisationId.eq(org))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.country)
        .collect())
}

pub async fn countries_of<C: ConnectionTrait>(db: &C, key_id: Uuid) -> AppResult<Vec<String>> {
    Ok(api_key_country::Entity::find()
        .filter(api_key_country::Column::ApiKeyId.eq(key_id))
        .order_by_asc(api_key_country::Column::Country)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.country)
        .collect())
}

/// A key for `partner_organisation`, acting for `countries` (all of the organisation's that the
/// creator covers when left out); never wider than the organisation or the creator.
pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    name: &str,
    partner_organisation: Uuid,
    countries: Option<Vec<String>>,
    expires_at: Option<DateTime<Utc>>,
    trusted_documents_only: bool,
) -> AppResult<NewKey> {
    policy::may_issue_api_keys(actor, partner_organisation)?;
    let mut check = Checker::new();
    let mut name = name.to_owned();
    check.name("name", &mut name, NAME_MAX);
    let mut requested = countries.clone().unwrap_or_default();
    check.countries("countries", &mut requested);
    let now = Utc::now();
    let expires_at = expires_at.unwrap_or(now + chrono::Duration::days(DEFAULT_DAYS));
    if expires_at <= now || expires_at > now + chrono::Duration::days(MAX_DAYS) {
        check.fail("expiresAt", format!("must lie in the next {MAX_DAYS} days"));
    }
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    let allowed: Vec<String> = organisation_countries(&txn, partner_organisation)
        .await?
        .into_iter()
        .filter(|c| actor.is_admin() || actor.covers_country(c))
        .collect();
    let countries = match countries {
        None => allowed,
        Some(_) => {
            if let Some(wider) = requested.iter().find(|c| !allowed.contains(c)) {
                return Err(AppError::Forbidden(format!("a key of yours may not act for {wider}")));
            }
            requested
        }
    };
    if countries.is_empty() {
        return Err(AppError::bad_field("countries", "the key would act for no country"));
    }
    let prefix = secret::short_id();
    let secret_part = secret::generate();
    let model = api_key::Entity::insert(api_key::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(name),
        partner_organisation_id: Set(partner_organisation),
        created_by_id: Set(match actor.actor {
            Actor::User(id) => Some(id),
            _ => None,
        }),
        prefix: Set(prefix.clone()),
        secret_hash: Set(secret::digest(&secret_part)),
        expires_at: Set(Some(expires_at)),
        revoked_at: Set(None),
        last_used_at: Set(None),
        trusted_documents_only: Set(trusted_documents_only),
        created_at: Set(now),
    })
    .exec_with_returning(&txn)
    .await?;
    api_key_country::Entity::insert_many(countries.iter().map(|c| api_key_country::ActiveModel {
        api_key_id: Set(model.id),
        country: Set(c.clone()),
    }))
    .exec(&txn)
    .await?;
    let entry = Entry {
        entity_type: AuditEntityType::ApiKey,
        entity_id: model.id,
        action: AuditAction::Create,
        changed_fields: vec!["name", "countries", "expiresAt"],
        country: countries.first().cloned(),
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(NewKey {
        model,
        countries,
        key: format!("{KEY_PREFIX}{prefix}_{secret_part}"),
    })
}

pub async fn revoke<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<api_key::Model> {
    let txn = crate::db::begin_write(db).await?;
    let key = api_key::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("API key".into()))?;
    policy::may_issue_api_keys(actor, key.partner_organisation_id)?;
    if key.revoked_at.is_none() {
        mark_revoked(&txn, actor, id).await?;
    }
    let key = api_key::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal(format!("API key {id} cannot be read back after its revocation")))?;
    txn.commit().await?;
    Ok(key)
}

async fn mark_revoked<C: ConnectionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<()> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(api_key::Column::Id.eq(id))
        .exec(db)
        .await?;
    let country = countries_of(db, id).await?.into_iter().next();
    let entry = Entry {
        entity_type: AuditEntityType::ApiKey,
        entity_id: id,
        action: AuditAction::Revoke,
        changed_fields: vec!["revokedAt"],
        country,
    };
    audit::record(db, actor, entry).await
}

/// Revokes the working keys that `creator` made and may no longer make, e.g. after its PARTNER
/// grant was taken away: a key's authority is its creator's.
pub async fn revoke_beyond_authority<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    creator: &Principal,
) -> AppResult<()> {
    let Actor::User(creator_id) = creator.actor else {
        return Ok(());
    };
    let keys = api_key::Entity::find()
        .filter(api_key::Column::CreatedById.eq(creator_id))
        .filter(api_key::Column::RevokedAt.is_null())
        .all(db)
        .await?;
    for key in keys {
        if policy::may_issue_api_keys(creator, key.partner_organisation_id).is_err() {
            mark_revoked(db, actor, key.id).await?;
        }
    }
    Ok(())
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    partner_organisation: Uuid,
) -> AppResult<Vec<api_key::Model>> {
    policy::may_manage_api_keys(actor, partner_organisation)?;
    Ok(api_key::Entity::find()
        .filter(api_key::Column::PartnerOrganisationId.eq(partner_organisation))
        .order_by_desc(api_key::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Who a key acts for, and whether it may run trusted documents only.
pub struct KeyHolder {
    pub principal: Principal,
    pub trusted_documents_only: bool,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An access token for a key, after the guessing throttle (per key and per address); it expires
/// with the key at the latest. Returns the token and its lifetime in seconds.
pub async fn exchange<C: ConnectionTrait>(
    db: &C,
    tokens: &TokenService,
    guard: &PasswordGuard,
    key: &str,
) -> AppResult<(String, u64)> {
    let target = match parse(key) {
        Some((prefix, _)) => Target::Key(prefix),
        None => Target::Nobody,
    };
    let attempt = guard.begin(db, target).await?;
    let holder = authenticate(db, key).await?;
    attempt.succeeded(db).await?;
    policy::may_exchange_api_key(holder.trusted_documents_only)?;
    let left = holder
        .expires_at
        .and_then(|e| (e - Utc::now()).to_std().ok())
        .unwrap_or(tokens.access_ttl);
    let ttl = tokens.access_ttl.min(left);
    Ok((tokens.issue(&holder.principal, ttl)?, ttl.as_secs()))
}

/// The prefix and the secret of a key as the client sent it.
fn parse(key: &str) -> Option<(&str, &str)> {
    key.strip_prefix(KEY_PREFIX).and_then(|k| k.split_once('_'))
}

/// The principal a key stands for, if the key is genuine, unexpired and not revoked.
pub async fn authenticate<C: ConnectionTrait>(db: &C, key: &str) -> AppResult<KeyHolder> {
    let refused = || AppError::Unauthenticated("invalid, expired or revoked API key".into());
    let (prefix, secret_part) = parse(key).ok_or_else(refused)?;
    let row = api_key::Entity::find()
        .filter(api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await?
        .ok_or_else(refused)?;
    let now = Utc::now();
    if row.secret_hash != secret::digest(secret_part)
        || row.revoked_at.is_some()
        || row.expires_at.is_some_and(|e| e <= now)
    {
        return Err(refused());
    }
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, Expr::value(Some(now)))
        .filter(api_key::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    let principal = Principal {
        subject: format!("{API_KEY_SUBJECT_PREFIX}{}", row.id),
        actor: Actor::ApiKey(row.id),
        role: Role::Partner,
        countries: countries_of(db, row.id).await?,
        clusters: vec![],
        partner_organisations: vec![row.partner_organisation_id],
        email_verified: true,
    };
    Ok(KeyHolder {
        principal,
        trusted_documents_only: row.trusted_documents_only,
        expires_at: row.expires_at,
    })
}

/// The keys of `ids` the actor may see: those of the partner organisations whose keys it
/// manages, as [`list`] decides (`node`).
pub async fn visible<C: ConnectionTrait>(db: &C, actor: &Principal, ids: &[Uuid]) -> AppResult<Vec<api_key::Model>> {
    let keys = api_key::Entity::find()
        .filter(api_key::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(keys
        .into_iter()
        .filter(|key| policy::may_manage_api_keys(actor, key.partner_organisation_id).is_ok())
        .collect())
}
