//! Organisations inside a cluster.

use chrono::Utc;
use entity::{cluster, member, taxonomy::MemberKind};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    audit::{self, changed_fields, AuditAction, AuditEntityType, Entry},
    policy::{self, Visibility},
    validation::{Checker, NAME_MAX},
};
use crate::{
    auth::Principal,
    error::{AppError, AppResult},
};

#[derive(Debug, Clone)]
pub struct MemberProfile {
    pub name: String,
    pub kind: MemberKind,
    pub country: String,
    pub website: Option<String>,
}

impl MemberProfile {
    pub fn validate(&mut self) -> AppResult<()> {
        let mut check = Checker::new();
        check.name("name", &mut self.name, NAME_MAX);
        check.country("country", &mut self.country);
        check.optional_url("website", &mut self.website);
        check.finish()
    }
}

impl From<&member::Model> for MemberProfile {
    fn from(m: &member::Model) -> Self {
        Self {
            name: m.name.clone(),
            kind: m.kind,
            country: m.country.clone(),
            website: m.website.clone(),
        }
    }
}

/// A member is visible when its cluster is.
pub async fn find<C: ConnectionTrait>(db: &C, visibility: &Visibility, id: Uuid) -> AppResult<Option<member::Model>> {
    let Some(row) = member::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let cluster = super::cluster::find(db, visibility, row.cluster_id).await?;
    Ok(cluster.map(|_| row))
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    cluster_id: Uuid,
    mut profile: MemberProfile,
) -> AppResult<member::Model> {
    profile.validate()?;
    let txn = crate::db::begin_write(db).await?;
    let cluster = super::cluster::existing(&txn, "clusterId", cluster_id).await?;
    policy::may_edit_cluster(actor, &cluster)?;
    let now = Utc::now();
    let row = member::ActiveModel {
        id: Set(Uuid::now_v7()),
        cluster_id: Set(cluster_id),
        name: Set(profile.name),
        kind: Set(profile.kind),
        country: Set(profile.country),
        website: Set(profile.website),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let model = member::Entity::insert(row).exec_with_returning(&txn).await?;
    super::search::reindex(&txn, cluster_id).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Member,
            model.id,
            AuditAction::Create,
            vec!["name", "kind", "country", "website"],
            std::slice::from_ref(&cluster),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// The member and its cluster, for a write.
async fn load<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<(member::Model, cluster::Model)> {
    let member = member::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("member".into()))?;
    let cluster = super::cluster::existing(db, "clusterId", member.cluster_id).await?;
    Ok((member, cluster))
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    actor: &Principal,
    id: Uuid,
    change: impl FnOnce(&mut MemberProfile),
) -> AppResult<member::Model> {
    let txn = crate::db::begin_write(db).await?;
    let (current, cluster) = load(&txn, id).await?;
    policy::may_edit_cluster(actor, &cluster)?;
    let old = MemberProfile::from(&current);
    let mut profile = old.clone();
    change(&mut profile);
    profile.validate()?;
    let changed =
        changed_fields!(old, profile; name => "name", kind => "kind", country => "country", website => "website");
    let row = member::ActiveModel {
        name: Set(profile.name),
        kind: Set(profile.kind),
        country: Set(profile.country),
        website: Set(profile.website),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    member::Entity::update_many()
        .set(row)
        .filter(member::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let model = member::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal(format!("member {id} cannot be read back after its update")))?;
    super::search::reindex(&txn, cluster.id).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Member,
            id,
            AuditAction::Update,
            changed,
            std::slice::from_ref(&cluster),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn delete<C: TransactionTrait>(db: &C, actor: &Principal, id: Uuid) -> AppResult<Uuid> {
    let txn = crate::db::begin_write(db).await?;
    let (_, cluster) = load(&txn, id).await?;
    policy::may_edit_cluster(actor, &cluster)?;
    member::Entity::delete_by_id(id).exec(&txn).await?;
    super::search::reindex(&txn, cluster.id).await?;
    audit::record(
        &txn,
        actor,
        Entry::about(
            AuditEntityType::Member,
            id,
            AuditAction::Delete,
            vec![],
            std::slice::from_ref(&cluster),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}
