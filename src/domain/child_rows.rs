//! Rows that belong to one owner (a cluster's ecosystems, a post's countries, an event's sessions
//! …), written afresh when the owner's list changes.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::AppResult;

/// Replaces the rows of `E` whose `owner` column holds `id` with `rows`: one delete, then one
/// insert of them all (none for an empty list, which `insert_many` would refuse).
pub async fn replace<E, C>(
    db: &C,
    owner: E::Column,
    id: Uuid,
    rows: impl IntoIterator<Item = E::ActiveModel>,
) -> AppResult<()>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E>,
    C: ConnectionTrait,
{
    E::delete_many().filter(owner.eq(id)).exec(db).await?;
    let rows: Vec<E::ActiveModel> = rows.into_iter().collect();
    if !rows.is_empty() {
        E::insert_many(rows).exec(db).await?;
    }
    Ok(())
}
