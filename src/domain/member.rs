//! Organisations inside a cluster.

use chrono::Utc;
use entity::{cluster, member, taxonomy::MemberKind};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{
    policy::Visibility,
    validation::{Checker, NAME_MAX},
};
use crate::error::{AppError, AppResult};

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
pub async fn find<C: ConnectionTrait>(db: &C, visibility: Visibility, id: Uuid) -> AppResult<Option<member::Model>> {
    let Some(row) = member::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let cluster = super::cluster::find(db, visibility, row.cluster_id).await?;
    Ok(cluster.map(|_| row))
}

pub async fn create<C: TransactionTrait>(
    db: &C,
    cluster_id: Uuid,
    mut profile: MemberProfile,
) -> AppResult<member::Model> {
    profile.validate()?;
    let txn = db.begin().await?;
    if cluster::Entity::find_by_id(cluster_id).one(&txn).await?.is_none() {
        return Err(AppError::NotFound("clusterId: cluster".into()));
    }
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
    txn.commit().await?;
    Ok(model)
}

pub async fn update<C: TransactionTrait>(
    db: &C,
    id: Uuid,
    change: impl FnOnce(&mut MemberProfile),
) -> AppResult<member::Model> {
    let txn = db.begin().await?;
    let current = member::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::NotFound("member".into()))?;
    let mut profile = MemberProfile::from(&current);
    change(&mut profile);
    profile.validate()?;
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
        .ok_or(AppError::Internal)?;
    txn.commit().await?;
    Ok(model)
}

pub async fn delete<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Uuid> {
    let result = member::Entity::delete_by_id(id).exec(db).await?;
    if result.rows_affected == 0 {
        return Err(AppError::NotFound("member".into()));
    }
    Ok(id)
}
