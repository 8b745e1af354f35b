//! Business rules: what the directory holds and how it may change. No GraphQL types here.

pub mod cluster;
pub mod member;
pub mod pagination;
pub mod partner_organisation;
pub mod partnership;
pub mod policy;
pub mod success_story;
pub mod validation;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// Fails with NOT_FOUND unless every id names an existing cluster.
pub(crate) async fn require_clusters<C: ConnectionTrait>(db: &C, field: &str, ids: &[Uuid]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = entity::cluster::Entity::find()
        .filter(entity::cluster::Column::Id.is_in(ids.iter().copied()))
        .count(db)
        .await?;
    if found as usize != ids.len() {
        return Err(AppError::NotFound(format!("{field}: cluster")));
    }
    Ok(())
}
