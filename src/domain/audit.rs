//! The audit log: every successful write records who did what to which record, in the same
//! transaction as the write itself.

use chrono::Utc;
use entity::{audit_log, cluster};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

pub use entity::audit_log::{AuditAction, AuditActorKind, AuditEntityType};

use super::{
    pagination::{keyset_page, Keyset, Page, SortKey, Window},
    policy::AuditScope,
};
use crate::{
    auth::{Actor, Principal},
    error::AppResult,
};

pub struct Entry {
    pub entity_type: AuditEntityType,
    pub entity_id: Uuid,
    pub action: AuditAction,
    pub changed_fields: Vec<&'static str>,
    pub country: Option<String>,
}

impl Entry {
    /// An entry about a record that belongs to clusters (a cluster itself, its member, a
    /// partnership, a story). It is filed under the first cluster's country, since partners
    /// read the entries of their countries.
    pub fn about(
        entity_type: AuditEntityType,
        entity_id: Uuid,
        action: AuditAction,
        changed_fields: Vec<&'static str>,
        clusters: &[cluster::Model],
    ) -> Self {
        Entry {
            entity_type,
            entity_id,
            action,
            changed_fields,
            country: clusters.first().map(|c| c.country.clone()),
        }
    }
}

/// The names (as the API spells them) of the fields that differ between two versions of a
/// record, for [`Entry::changed_fields`]: `changed_fields!(old, new; name => "name", ...)`.
/// Fields listed next to each other under one name (a location's latitude and longitude) count once.
macro_rules! changed_fields {
    ($old:expr, $new:expr; $($field:ident => $name:literal),+ $(,)?) => {{
        let (old, new) = (&$old, &$new);
        let mut changed: Vec<&'static str> = Vec::new();
        $(if old.$field != new.$field { changed.push($name); })+
        changed.dedup();
        changed
    }};
}
pub(crate) use changed_fields;

pub async fn record<C: ConnectionTrait>(db: &C, actor: &Principal, entry: Entry) -> AppResult<()> {
    record_by(db, Some(actor), entry).await
}

/// Records an entry by `actor`, or by someone not signed in (a digest subscriber, the holder of
/// a mailed link) when there is none: then the entry names no person, only the record.
pub async fn record_by<C: ConnectionTrait>(db: &C, actor: Option<&Principal>, entry: Entry) -> AppResult<()> {
    record_many_by(db, actor, vec![entry]).await
}

/// Records the entries of many writes by one actor (an import's batch) in multi-row INSERTs.
pub async fn record_many<C: ConnectionTrait>(db: &C, actor: &Principal, entries: Vec<Entry>) -> AppResult<()> {
    record_many_by(db, Some(actor), entries).await
}

async fn record_many_by<C: ConnectionTrait>(db: &C, actor: Option<&Principal>, entries: Vec<Entry>) -> AppResult<()> {
    let (kind, id) = match actor.map(|a| a.actor) {
        Some(Actor::User(id)) => (AuditActorKind::User, Some(id)),
        Some(Actor::ApiKey(id)) => (AuditActorKind::ApiKey, Some(id)),
        Some(Actor::External) => (AuditActorKind::External, None),
        Some(Actor::Operator) => (AuditActorKind::Operator, None),
        None => (AuditActorKind::Anonymous, None),
    };
    let label: String = actor.map_or_else(|| "anonymous".to_owned(), |a| a.subject.chars().take(254).collect());
    let now = Utc::now();
    // Every write of a record the change feed follows records its audit entry here, in the
    // write's transaction: the one place to hook the feed so that no write path forgets it.
    let changes: Vec<_> = entries
        .iter()
        .filter_map(|e| Some((super::change_feed::followed(e.entity_type)?, e.entity_id, e.action)))
        .collect();
    let rows: Vec<audit_log::ActiveModel> = entries
        .into_iter()
        .map(|entry| audit_log::ActiveModel {
            id: Set(Uuid::now_v7()),
            actor_kind: Set(kind),
            actor_id: Set(id),
            actor_label: Set(label.clone()),
            entity_type: Set(entry.entity_type),
            entity_id: Set(entry.entity_id),
            action: Set(entry.action),
            changed_fields: Set(serde_json::to_string(&entry.changed_fields).unwrap_or_else(|_| "[]".into())),
            country: Set(entry.country),
            created_at: Set(now),
        })
        .collect();
    super::bulk::insert_chunks(db, rows).await?;
    super::change_feed::record_many(db, changes).await
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity_type: Option<AuditEntityType>,
    pub entity_id: Option<Uuid>,
    pub action: Option<AuditAction>,
    pub actor_id: Option<Uuid>,
}

const NEWEST_FIRST: Keyset<audit_log::Entity> = Keyset {
    name: "CREATED_AT",
    column: audit_log::Column::CreatedAt,
    id: audit_log::Column::Id,
    ascending: false,
    key_of: |m| (SortKey::Time(m.created_at), m.id),
};

fn condition(scope: &AuditScope, filter: &AuditFilter) -> Condition {
    let mut cond = Condition::all();
    if let AuditScope::Countries(countries) = scope {
        cond = cond.add(audit_log::Column::Country.is_in(countries.clone()));
    }
    if let Some(t) = filter.entity_type {
        cond = cond.add(audit_log::Column::EntityType.eq(t));
    }
    if let Some(id) = filter.entity_id {
        cond = cond.add(audit_log::Column::EntityId.eq(id));
    }
    if let Some(a) = filter.action {
        cond = cond.add(audit_log::Column::Action.eq(a));
    }
    if let Some(id) = filter.actor_id {
        cond = cond.add(audit_log::Column::ActorId.eq(id));
    }
    cond
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: &AuditScope,
    filter: &AuditFilter,
    window: &Window,
) -> AppResult<Page<audit_log::Model>> {
    keyset_page(
        db,
        audit_log::Entity::find().filter(condition(scope, filter)),
        &NEWEST_FIRST,
        window,
    )
    .await
}

pub async fn count<C: ConnectionTrait>(db: &C, scope: &AuditScope, filter: &AuditFilter) -> AppResult<u64> {
    Ok(audit_log::Entity::find()
        .filter(condition(scope, filter))
        .count(db)
        .await?)
}

/// The entries of `ids` that `scope` may read: the audit log's own rule, by id (`node`).
pub async fn visible<C: ConnectionTrait>(db: &C, scope: &AuditScope, ids: &[Uuid]) -> AppResult<Vec<audit_log::Model>> {
    Ok(audit_log::Entity::find()
        .filter(condition(scope, &AuditFilter::default()))
        .filter(audit_log::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}
