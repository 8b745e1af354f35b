//! The partnerships of the demo data (the 2018 Taiwan–EU agreement, an invented ESCP-4i and the
//! CASTRA MOU) and the step that writes them with their seats.

use entity::taxonomy::{
    Ecosystem as E, Ecosystem, PartnershipKind, PartnershipRole,
    PartnershipRole::{Coordinator, Partner},
    PartnershipStatus,
};
use sea_orm::DatabaseTransaction;

use super::{date, Written};
use crate::auth::Principal;
use crate::domain::partnership::{self as partnerships, PartnershipProfile, Seat};
use crate::error::AppResult;

/// Writes every partnership and returns their ids by key.
pub(super) async fn insert(db: &DatabaseTransaction, operator: &Principal, clusters: &Written) -> AppResult<Written> {
    let mut written = Written::new("partnership");
    for record in PARTNERSHIPS {
        let seats = record
            .seats
            .iter()
            .map(|&(slug, role)| {
                Ok(Seat {
                    cluster_id: clusters.id(slug)?,
                    role,
                })
            })
            .collect::<AppResult<Vec<Seat>>>()?;
        let model = partnerships::create(db, operator, record.profile()?, seats).await?;
        written.insert(record.key, model.id);
    }
    Ok(written)
}

/// One partnership of the table below, with its seats by cluster slug.
pub(super) struct PartnershipRecord {
    /// Name by which the stories below refer to it.
    key: &'static str,
    name: &'static str,
    acronym: Option<&'static str>,
    kind: PartnershipKind,
    description: &'static str,
    starts_on: Option<(i32, u32, u32)>,
    funding_programme: Option<&'static str>,
    funding_eur: Option<i64>,
    status: PartnershipStatus,
    ecosystems: &'static [Ecosystem],
    target_markets: &'static [&'static str],
    pub(super) seats: &'static [(&'static str, PartnershipRole)],
}

impl PartnershipRecord {
    fn profile(&self) -> AppResult<PartnershipProfile> {
        Ok(PartnershipProfile {
            name: self.name.to_owned(),
            acronym: self.acronym.map(str::to_owned),
            kind: self.kind,
            description: Some(self.description.to_owned()),
            starts_on: self.starts_on.map(|(y, m, d)| date(y, m, d)).transpose()?,
            ends_on: None,
            funding_programme: self.funding_programme.map(str::to_owned),
            funding_eur: self.funding_eur,
            status: self.status,
            ecosystems: self.ecosystems.to_vec(),
            target_markets: self.target_markets.iter().map(|&c| c.to_owned()).collect(),
        })
    }
}

pub(super) const PARTNERSHIPS: &[PartnershipRecord] = &[
    PartnershipRecord {
        key: "taiwan-eu-agreement",
        name: "Taiwan–EU Cluster Cooperation Agreement",
        acronym: None,
        kind: PartnershipKind::CooperationAgreement,
        description: "Signed in 2018 (台歐盟產業聚落合作協議) to keep up exchange visits between Taiwanese and \
            European clusters and to hold joint meetings, building a strong partnership. It grew out of the \
            Taiwan–EU industry dialogue held since 2015, the EU Innovation Week in Taiwan since 2016, and the \
            Taiwan-EU Cluster Cooperation Seminar that CNFI and ECCP organised in Taipei on 5 June 2018, where 17 \
            European clusters and 17 Taiwanese associations met in more than 70 matchmaking meetings. CNFI, ECCP's \
            partner in Taiwan, coordinates the Taiwanese side. The list of members in this data set is \
            illustrative.",
        starts_on: Some((2018, 6, 5)),
        funding_programme: None,
        funding_eur: None,
        status: PartnershipStatus::Active,
        ecosystems: &[
            E::AerospaceDefence,
            E::Digital,
            E::Electronics,
            E::EnergyIntensive,
            E::EnergyRenewables,
            E::MobilityTransportAutomotive,
        ],
        target_markets: &["TW", "DE", "DK", "ES", "FI", "FR", "IT", "NL"],
        seats: &[
            ("cnfi", Coordinator),
            ("tpca", Partner),
            ("taia", Partner),
            ("teema", Partner),
            ("tami", Partner),
            ("system-integration-tw", Partner),
            ("iot-tw", Partner),
            ("castra", Partner),
            ("smart-production-ni", Partner),
            ("saxony-5g", Partner),
            ("north-sea-wind", Partner),
            ("delta-circular", Partner),
        ],
    },
    PartnershipRecord {
        key: "escp-smart-aero",
        name: "Smart Aerospace Manufacturing Going International",
        acronym: Some("SAMGI"),
        kind: PartnershipKind::Escp4i,
        description: "A European Strategic Cluster Partnership for Going International (ESCP-4i) of five clusters \
            in smart manufacturing and aerospace. It pools their SMEs for joint missions and matchmaking with \
            partners in Taiwan, Japan and the United States, starting with the Taiwan-EU cluster matchmaking \
            sessions. Demo data: an invented partnership of invented clusters.",
        starts_on: Some((2019, 1, 1)),
        funding_programme: Some("COSME"),
        funding_eur: Some(398_000),
        status: PartnershipStatus::Active,
        ecosystems: &[E::AerospaceDefence, E::Digital, E::MobilityTransportAutomotive],
        target_markets: &["TW", "JP", "US"],
        seats: &[
            ("smart-production-ni", Coordinator),
            ("guadalquivir-aero", Partner),
            ("piedmont-mechatronics", Partner),
            ("moravia-manufacturing", Partner),
            ("space-data-occitanie", Partner),
        ],
    },
    PartnershipRecord {
        key: "castra-mou",
        name: "CASTRA – System Integration Promotion Office long-term cooperation",
        acronym: None,
        kind: PartnershipKind::Mou,
        description: "Frame for the long-term joint project that CASTRA and Taiwan's system-integration cluster \
            plan after meeting at a 2016 ECCP matchmaking event, where they went on to co-invest and co-develop \
            high-tech products. Demo data: the source reports the plan, not a signed MOU; this record is \
            illustrative.",
        starts_on: None,
        funding_programme: None,
        funding_eur: None,
        status: PartnershipStatus::Proposed,
        ecosystems: &[E::AerospaceDefence, E::Digital],
        target_markets: &["FR", "TW"],
        seats: &[("castra", Coordinator), ("system-integration-tw", Partner)],
    },
];
