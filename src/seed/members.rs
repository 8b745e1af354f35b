//! The member organisations listed inside the demo clusters (all invented), and the step that writes
//! them.

use entity::taxonomy::MemberKind as M;
use sea_orm::DatabaseTransaction;

use super::Written;
use crate::auth::Principal;
use crate::domain::member::{self as members, MemberProfile};
use crate::error::AppResult;

/// Writes the members of every cluster and returns how many.
pub(super) async fn insert(db: &DatabaseTransaction, operator: &Principal, clusters: &Written) -> AppResult<usize> {
    let mut written = 0;
    for (slug, list) in MEMBERS {
        let cluster_id = clusters.id(slug)?;
        for &(name, kind, country, website) in *list {
            let member = MemberProfile {
                name: name.to_owned(),
                kind,
                country: country.to_owned(),
                website: website.map(str::to_owned),
            };
            members::create(db, operator, cluster_id, member).await?;
            written += 1;
        }
    }
    Ok(written)
}

/// A member organisation: name, kind, country, website.
type MemberRecord = (&'static str, M, &'static str, Option<&'static str>);

/// The members of each cluster, by the cluster's slug.
pub(super) const MEMBERS: &[(&str, &[MemberRecord])] = &[
    (
        "tpca",
        &[
            ("Formosa Multilayer Circuits Co., Ltd.", M::Sme, "TW", None),
            ("Taoyuan Substrate Technologies Corp.", M::LargeCompany, "TW", None),
            ("Island Flex Circuits Co., Ltd.", M::Sme, "TW", None),
            ("CircuitLab Start-up Studio", M::StartUp, "TW", None),
            (
                "Northern Taiwan Institute of Electronics Packaging",
                M::ResearchOrganisation,
                "TW",
                None,
            ),
        ],
    ),
    (
        "taia",
        &[
            ("Formosa Aerostructures Corp.", M::LargeCompany, "TW", None),
            ("Central Taiwan Precision Aero Parts Co., Ltd.", M::Sme, "TW", None),
            ("Island Composite Aviation Co., Ltd.", M::Sme, "TW", None),
            ("Southern Taiwan Aero MRO Services Co.", M::Sme, "TW", None),
            ("SkyForge Drones", M::StartUp, "TW", None),
            (
                "Taiwan Institute of Aeronautical Materials",
                M::ResearchOrganisation,
                "TW",
                None,
            ),
        ],
    ),
    (
        "castra",
        &[
            (
                "Avionique Logicielle SAS",
                M::Sme,
                "FR",
                Some("https://avionique-logicielle.example.eu"),
            ),
            ("Orbital Edge Analytics", M::StartUp, "FR", None),
            (
                "Systèmes Aéro Intégrés SA",
                M::LargeCompany,
                "FR",
                Some("https://sai-aero.example.eu"),
            ),
            ("Institut des Systèmes Embarqués", M::ResearchOrganisation, "FR", None),
            ("École Supérieure d'Ingénierie Aérospatiale", M::University, "FR", None),
        ],
    ),
    (
        "smart-production-ni",
        &[
            (
                "Leine Robotics GmbH",
                M::Sme,
                "DE",
                Some("https://leine-robotics.example.eu"),
            ),
            ("Hanover Drive Systems AG", M::LargeCompany, "DE", None),
            ("TwinWorks Digital GmbH", M::StartUp, "DE", None),
            ("Präzisionsteile Nord GmbH", M::Sme, "DE", None),
            (
                "Technical University of Lower Saxony",
                M::University,
                "DE",
                Some("https://tu-lower-saxony.example.eu"),
            ),
            (
                "Institute for Production Automation Hanover",
                M::ResearchOrganisation,
                "DE",
                None,
            ),
        ],
    ),
    (
        "saxony-5g",
        &[
            (
                "Elbe Radio Systems GmbH",
                M::Sme,
                "DE",
                Some("https://elbe-radio.example.eu"),
            ),
            ("Campus Netz Dresden GmbH", M::StartUp, "DE", None),
            ("Saxon Semiconductor Works AG", M::LargeCompany, "DE", None),
            (
                "Institute for Mobile Networks Dresden",
                M::ResearchOrganisation,
                "DE",
                None,
            ),
        ],
    ),
    (
        "north-sea-wind",
        &[
            ("Vestkyst Blade Service ApS", M::Sme, "DK", None),
            (
                "Nordsø Foundations A/S",
                M::LargeCompany,
                "DK",
                Some("https://nordso-foundations.example.eu"),
            ),
            ("WindSense Analytics ApS", M::StartUp, "DK", None),
            (
                "Danish Offshore Energy Test Centre",
                M::ResearchOrganisation,
                "DK",
                None,
            ),
            ("Port of West Jutland", M::PublicBody, "DK", None),
        ],
    ),
    (
        "delta-circular",
        &[
            ("Maas Recycling B.V.", M::Sme, "NL", None),
            (
                "BioBased Delta B.V.",
                M::StartUp,
                "NL",
                Some("https://biobased-delta.example.eu"),
            ),
            ("Port Chemicals Rotterdam N.V.", M::LargeCompany, "NL", None),
            ("Delta University of Applied Sciences", M::University, "NL", None),
        ],
    ),
];
