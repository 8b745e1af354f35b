//! CNFI, the partner organisation for Taiwan: written before the profiles that name it, linked to
//! its own cluster profile after.

use chrono::Utc;
use entity::{partner_organisation, partner_organisation_country};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::error::AppResult;

/// Inserts the Chinese National Federation of Industries as the partner organisation for Taiwan and
/// returns its id. Its own cluster profile is linked once that profile exists.
pub(super) async fn insert_cnfi<C: ConnectionTrait>(db: &C) -> AppResult<Uuid> {
    let id = Uuid::now_v7();
    let now = Utc::now();
    partner_organisation::Entity::insert(partner_organisation::ActiveModel {
        id: Set(id),
        name: Set("Chinese National Federation of Industries".to_owned()),
        local_name: Set(Some("中華民國全國工業總會".to_owned())),
        acronym: Set(Some("CNFI".to_owned())),
        website: Set(Some("https://www.cnfi.org.tw".to_owned())),
        cluster_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    partner_organisation_country::Entity::insert(partner_organisation_country::ActiveModel {
        partner_organisation_id: Set(id),
        country: Set("TW".to_owned()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(id)
}

/// Links CNFI to its own cluster profile.
pub(super) async fn link_cnfi_profile<C: ConnectionTrait>(db: &C, cnfi: Uuid, profile: Uuid) -> AppResult<()> {
    partner_organisation::Entity::update(partner_organisation::ActiveModel {
        id: Set(cnfi),
        cluster_id: Set(Some(profile)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}
