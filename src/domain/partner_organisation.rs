//! National partners of the platform (CNFI for Taiwan).

use entity::{partner_organisation, partner_organisation_country};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::AppResult;

pub async fn list<C: ConnectionTrait>(db: &C, country: Option<&str>) -> AppResult<Vec<partner_organisation::Model>> {
    let mut select = partner_organisation::Entity::find();
    if let Some(country) = country {
        let ids: Vec<Uuid> = partner_organisation_country::Entity::find()
            .filter(partner_organisation_country::Column::Country.eq(country))
            .all(db)
            .await?
            .into_iter()
            .map(|r| r.partner_organisation_id)
            .collect();
        select = select.filter(partner_organisation::Column::Id.is_in(ids));
    }
    Ok(select
        .order_by_asc(partner_organisation::Column::Name)
        .order_by_asc(partner_organisation::Column::Id)
        .all(db)
        .await?)
}

pub async fn find<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Option<partner_organisation::Model>> {
    Ok(partner_organisation::Entity::find_by_id(id).one(db).await?)
}
