//! The two success stories of the 2018 article and the step that writes them, published as
//! the article published them: written, submitted and published through the workflow.

use entity::taxonomy::SuccessStoryOutcome;
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use super::{matchmaking::Castra2016, Written};
use crate::auth::Principal;
use crate::domain::success_story::{self as stories, Step, SuccessStoryProfile};
use crate::error::AppResult;

/// Writes every story and returns how many.
pub(super) async fn insert(
    db: &DatabaseTransaction,
    operator: &Principal,
    clusters: &Written,
    partnerships: &Written,
    castra_2016: &Castra2016,
) -> AppResult<usize> {
    for record in SUCCESS_STORIES {
        let story = SuccessStoryProfile {
            title: record.title.to_owned(),
            summary: record.summary.to_owned(),
            body: Some(record.body.to_owned()),
            outcome: record.outcome,
            began_in: Some(record.began_in),
            partnership_id: record.partnership.map(|key| partnerships.id(key)).transpose()?,
            cluster_ids: record
                .clusters
                .iter()
                .map(|slug| clusters.id(slug))
                .collect::<AppResult<Vec<Uuid>>>()?,
            meeting_id: (record.title == CASTRA_STORY).then_some(castra_2016.meeting),
            matchmaking_event_id: (record.title == CASTRA_STORY).then_some(castra_2016.event),
            language: "en".to_owned(),
        };
        let written = stories::create(db, operator, story).await?;
        let submitted = stories::advance(db, operator, written.id, written.version, Step::Submit).await?;
        stories::advance(db, operator, submitted.id, submitted.version, Step::Publish).await?;
    }
    Ok(SUCCESS_STORIES.len())
}

const CASTRA_STORY: &str = "CASTRA and Taiwan's system-integration cluster co-invest and co-develop high-tech products";

/// One success story of the table below; clusters by slug, the partnership by its key.
pub(super) struct SuccessStoryRecord {
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    outcome: SuccessStoryOutcome,
    began_in: i32,
    pub(super) clusters: &'static [&'static str],
    partnership: Option<&'static str>,
}

pub(super) const SUCCESS_STORIES: &[SuccessStoryRecord] = &[
    SuccessStoryRecord {
        title: "Taiwan's machinery association and a German university of technology prepare a joint project",
        summary: "The Taiwan Association of Machinery Industry (TAMI) met a German university of technology at \
            the 2017 Taiwan-EU cluster cooperation seminar in Brussels. After visits on both sides they are \
            preparing a concrete cooperation project.",
        body: "At the 2018 Taiwan-EU Cluster Cooperation Seminar in Taipei, TAMI's deputy secretary-general 陳枝昌 \
            told how the association had met a German university of technology at the Taiwan-EU cluster \
            cooperation seminar in Brussels the year before. At the matchmaking session the two sides found a \
            chance to work together; after the seminar they kept in touch and visited each other, and they are \
            now preparing a concrete cooperation project.\n\nThe source does not name the university: the \
            Technical University of Lower Saxony linked here is an invented demo profile.",
        outcome: SuccessStoryOutcome::LetterOfInterest,
        began_in: 2017,
        clusters: &["tami", "tu-lower-saxony"],
        partnership: None,
    },
    SuccessStoryRecord {
        title: CASTRA_STORY,
        summary: "CASTRA, a European cluster in ICT and aerospace, met Taiwan's system-integration cluster at a \
            2016 ECCP matchmaking event. The two now co-invest, co-develop high-tech products and plan a \
            long-term joint project.",
        body: "CASTRA shared this story at the 2018 Taiwan-EU Cluster Cooperation Seminar in Taipei. It met \
            Taiwan's system-integration cluster (System Integration Promotion Office, 系統整合推動辦公室) at a \
            matchmaking event organised by the European Cluster Collaboration Platform in 2016. Since then the two \
            have put money into their cooperation and jointly develop high-tech products, and they plan a \
            long-term joint project.",
        outcome: SuccessStoryOutcome::Investment,
        began_in: 2016,
        clusters: &["castra", "system-integration-tw"],
        partnership: Some("castra-mou"),
    },
];
