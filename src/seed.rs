//! The demo data set: Taiwan on the European Cluster Collaboration Platform, as described in a 2018
//! article by the Chinese National Federation of Industries (CNFI, 中華民國全國工業總會), together with
//! European clusters to cooperate with. The server loads it into an empty database on first start, so
//! that `cargo run` serves a useful directory with no setup.
//!
//! Every cluster, member, partnership and story is written through the domain functions, so each row
//! passes the same validation as API input, and the whole set is written in one transaction: it
//! loads completely or not at all.
//!
//! What comes from the article (`shared/seed/FACTS.md`) and what does not:
//! - From the article: CNFI as ECCP's partner in Taiwan; the 13 registered Taiwanese organisations and
//!   their Chinese names; the Taiwan Association of Machinery Industry (TAMI, 機械公會) and its deputy
//!   secretary-general 陳枝昌; CASTRA, an EU cluster in ICT and aerospace; the 2018 Taiwan–EU cluster
//!   cooperation agreement (exchange visits, joint meetings); the two success stories.
//! - Illustrative demo values, not from the article: cities, coordinates (city centres), ecosystems,
//!   emerging industries, technology keywords and descriptions of the Taiwanese organisations beyond
//!   what the article says; every contact (person, example.tw / example.eu addresses, 555 phone
//!   numbers); every member organisation listed inside a cluster; the signatories of the cooperation
//!   agreement and its date (the day of the 2018 seminar); CASTRA's country (FR, a demo assumption);
//!   the CASTRA MOU. Founded years, member counts and websites of real organisations are not in the
//!   article and are left empty (counts 0), except CNFI's website.
//! - Invented outright: every European profile other than CASTRA, including the German university of
//!   technology (the article does not name it), and the ESCP-4i partnership. Their descriptions end with
//!   "Demo data: an invented profile." / "Demo data: an invented partnership.", and their websites and
//!   addresses use example domains.
//!
//! One invented European profile is left in NEEDS_REVIEW, so that visibility rules can be tested:
//! anonymous callers see only published profiles (all 14 Taiwanese ones are published).

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use entity::{
    cluster, partner_organisation, partner_organisation_country,
    taxonomy::{
        ClusterKind, ClusterLabel, ClusterStatus, Ecosystem, EmergingIndustry, MemberKind, PartnershipKind,
        PartnershipRole, PartnershipStatus, StaffBand, StoryOutcome,
    },
};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};
use uuid::Uuid;

use crate::auth::Principal;
use crate::domain::account::{self, Grant};
use crate::domain::{
    cluster::{self as clusters, ClusterProfile, Contact, MemberCounts},
    member::{self as members, MemberProfile},
    partnership::{self as partnerships, PartnershipProfile, Seat},
    success_story::{self as stories, StoryProfile},
};
use crate::error::{AppError, AppResult};

/// What [`load_demo_data`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub clusters: usize,
    pub members: usize,
    pub partnerships: usize,
    pub success_stories: usize,
    pub partner_organisations: usize,
    pub accounts: usize,
}

/// Whether the demo data set includes its sign-in accounts, whose passwords are public.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoAccounts {
    Create,
    /// Production: never create accounts with published passwords.
    Skip,
}

/// The demo accounts and their passwords, documented in the README for local use only.
pub const DEMO_ACCOUNTS: [(&str, &str, &str); 4] = [
    (
        "admin@clusterbridge.example",
        "Platform Secretariat",
        "admin-demo-password",
    ),
    (
        "partner@cnfi.example.tw",
        "CNFI International Affairs",
        "cnfi-demo-password",
    ),
    ("manager@tpca.example.tw", "TPCA Cluster Manager", "tpca-demo-password"),
    (
        "manager@castra.example.eu",
        "CASTRA Cluster Manager",
        "castra-demo-password",
    ),
];

/// True when the database holds no cluster yet (so the server loads the demo data on first start).
pub async fn is_empty(db: &DatabaseConnection) -> AppResult<bool> {
    no_cluster_yet(db).await
}

async fn no_cluster_yet<C: ConnectionTrait>(db: &C) -> AppResult<bool> {
    Ok(cluster::Entity::find().count(db).await? == 0)
}

/// Loads the demo data set. Writes through the domain functions so every row passes the same
/// validation as API input.
///
/// Runs in one transaction and only into a directory without clusters: on a database that already
/// holds clusters it fails with CONFLICT and writes nothing.
pub async fn load_demo_data(db: &DatabaseConnection, accounts: DemoAccounts) -> AppResult<SeedReport> {
    let operator = Principal::operator();
    let txn = db.begin().await?;
    if !no_cluster_yet(&txn).await? {
        return Err(AppError::Conflict(
            "the database already holds clusters; the demo data set loads only into an empty directory".into(),
        ));
    }
    let mut report = SeedReport::default();

    // CNFI first: every Taiwanese profile names it as the partner that represents it.
    let cnfi = insert_cnfi(&txn).await?;
    report.partner_organisations += 1;

    let mut ids: HashMap<&'static str, Uuid> = HashMap::new();
    for org in TAIWAN.iter().chain(EUROPE) {
        let represented_by = (org.country == "TW").then_some(cnfi);
        let model = clusters::create(&txn, &operator, org.profile(represented_by)?).await?;
        ids.insert(org.slug, model.id);
        report.clusters += 1;
    }
    let id = |slug: &str| -> AppResult<Uuid> {
        ids.get(slug)
            .copied()
            .ok_or_else(|| AppError::internal(format!("demo data names an unknown cluster slug {slug}")))
    };

    // CNFI's own cluster profile.
    partner_organisation::Entity::update(partner_organisation::ActiveModel {
        id: Set(cnfi),
        cluster_id: Set(Some(id("cnfi")?)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&txn)
    .await?;

    for (slug, list) in MEMBERS {
        let cluster_id = id(slug)?;
        for &(name, kind, country, website) in *list {
            let member = MemberProfile {
                name: name.to_owned(),
                kind,
                country: country.to_owned(),
                website: website.map(str::to_owned),
            };
            members::create(&txn, &operator, cluster_id, member).await?;
            report.members += 1;
        }
    }

    let mut partnership_ids: HashMap<&'static str, Uuid> = HashMap::new();
    for p in PARTNERSHIPS {
        let seats = p
            .seats
            .iter()
            .map(|&(slug, role)| {
                Ok(Seat {
                    cluster_id: id(slug)?,
                    role,
                })
            })
            .collect::<AppResult<Vec<Seat>>>()?;
        let model = partnerships::create(&txn, &operator, p.profile()?, seats).await?;
        partnership_ids.insert(p.key, model.id);
        report.partnerships += 1;
    }

    for s in STORIES {
        let partnership_id = match s.partnership {
            Some(key) => Some(
                partnership_ids
                    .get(key)
                    .copied()
                    .ok_or_else(|| AppError::internal(format!("demo data names an unknown partnership {key}")))?,
            ),
            None => None,
        };
        let story = StoryProfile {
            title: s.title.to_owned(),
            summary: s.summary.to_owned(),
            body: Some(s.body.to_owned()),
            outcome: s.outcome,
            began_in: Some(s.began_in),
            partnership_id,
            cluster_ids: s
                .clusters
                .iter()
                .map(|slug| id(slug))
                .collect::<AppResult<Vec<Uuid>>>()?,
        };
        stories::create(&txn, &operator, story).await?;
        report.success_stories += 1;
    }

    if accounts == DemoAccounts::Create {
        let cluster = |slug: &str| {
            ids.get(slug)
                .copied()
                .ok_or_else(|| AppError::internal(format!("demo cluster {slug} is missing")))
        };
        let grants = [
            vec![Grant::Admin],
            vec![Grant::Partner(cnfi)],
            vec![Grant::ClusterManager(cluster("tpca")?)],
            vec![Grant::ClusterManager(cluster("castra")?)],
        ];
        for ((email, name, password), grants) in DEMO_ACCOUNTS.iter().zip(grants) {
            account::create_with_grants(&txn, email, name, password, &grants).await?;
            report.accounts += 1;
        }
    }

    txn.commit().await?;
    Ok(report)
}

/// Inserts the Chinese National Federation of Industries as the partner organisation for Taiwan and
/// returns its id. Its own cluster profile is linked once that profile exists.
async fn insert_cnfi<C: ConnectionTrait>(db: &C) -> AppResult<Uuid> {
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

fn date(year: i32, month: u32, day: u32) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| AppError::internal(format!("demo data holds an invalid date {year}-{month}-{day}")))
}

/// Centre of the cities the profiles name, as (latitude, longitude).
fn city_centre(city: &str) -> Option<(f64, f64)> {
    Some(match city {
        "Taipei" => (25.0330, 121.5654),
        "New Taipei" => (25.0120, 121.4650),
        "Taoyuan" => (24.9936, 121.3010),
        "Taichung" => (24.1477, 120.6736),
        "Kaohsiung" => (22.6273, 120.3014),
        "Hanover" => (52.3759, 9.7320),
        "Braunschweig" => (52.2689, 10.5268),
        "Dresden" => (51.0504, 13.7373),
        "Oulu" => (65.0121, 25.4651),
        "Esbjerg" => (55.4765, 8.4594),
        "Santander" => (43.4623, -3.8099),
        "Seville" => (37.3891, -5.9845),
        "Rotterdam" => (51.9244, 4.4777),
        "Gothenburg" => (57.7089, 11.9746),
        "Antwerp" => (51.2194, 4.4025),
        "Turin" => (45.0703, 7.6869),
        "Katowice" => (50.2649, 19.0238),
        "Graz" => (47.0707, 15.4395),
        "Brno" => (49.1951, 16.6068),
        "Toulouse" => (43.6047, 1.4442),
        "Limerick" => (52.6638, -8.6267),
        "Porto" => (41.1579, -8.6291),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Cluster profiles
// ---------------------------------------------------------------------------------------------

/// The sentence that closes the description of every invented profile.
const INVENTED_PROFILE: &str = "Demo data: an invented profile.";

/// One cluster profile of the tables below.
struct Org {
    slug: &'static str,
    name: &'static str,
    local_name: Option<&'static str>,
    acronym: Option<&'static str>,
    kind: ClusterKind,
    country: &'static str,
    region: Option<&'static str>,
    city: Option<&'static str>,
    website: Option<&'static str>,
    founded_year: Option<i32>,
    staff: Option<StaffBand>,
    counts: MemberCounts,
    ecosystems: &'static [Ecosystem],
    emerging: &'static [EmergingIndustry],
    technologies: &'static [&'static str],
    /// Label and its expiry (year, month, day).
    label: Option<(ClusterLabel, (i32, u32, u32))>,
    status: ClusterStatus,
    description: &'static str,
    /// Invented organisations get [`INVENTED_PROFILE`] appended to their description.
    invented: bool,
    /// Person, e-mail, phone.
    contact: Option<(&'static str, &'static str, &'static str)>,
}

impl Org {
    fn profile(&self, represented_by_id: Option<Uuid>) -> AppResult<ClusterProfile> {
        let mut p = ClusterProfile::new(self.name.to_owned(), self.kind, self.country.to_owned());
        p.slug = Some(self.slug.to_owned());
        p.local_name = self.local_name.map(str::to_owned);
        p.acronym = self.acronym.map(str::to_owned);
        p.region = self.region.map(str::to_owned);
        p.city = self.city.map(str::to_owned);
        p.website = self.website.map(str::to_owned);
        p.description = Some(if self.invented {
            format!("{} {INVENTED_PROFILE}", self.description)
        } else {
            self.description.to_owned()
        });
        p.founded_year = self.founded_year;
        p.management_staff = self.staff;
        p.member_counts = self.counts;
        p.ecosystems = self.ecosystems.to_vec();
        p.emerging_industries = self.emerging.to_vec();
        p.technologies = self.technologies.iter().map(|&k| k.to_owned()).collect();
        if let Some((label, (y, m, d))) = self.label {
            p.label = label;
            p.label_expires_on = Some(date(y, m, d)?);
        }
        p.status = self.status;
        p.represented_by_id = represented_by_id;
        if let Some((person, email, phone)) = self.contact {
            p.contact = Contact {
                person: Some(person.to_owned()),
                email: Some(email.to_owned()),
                phone: Some(phone.to_owned()),
            };
        }
        if let Some((lat, lon)) = self.city.and_then(city_centre) {
            p.latitude = Some(lat);
            p.longitude = Some(lon);
        }
        Ok(p)
    }
}

const fn counts(total: i32, sme: i32, start_up: i32, large_company: i32, research: i32, other: i32) -> MemberCounts {
    MemberCounts {
        total,
        sme,
        start_up,
        large_company,
        research,
        other,
    }
}

const NO_COUNTS: MemberCounts = counts(0, 0, 0, 0, 0, 0);

/// Defaults of a Taiwanese profile: a published industry association, represented by CNFI.
const TW: Org = Org {
    slug: "",
    name: "",
    local_name: None,
    acronym: None,
    kind: ClusterKind::IndustryAssociation,
    country: "TW",
    region: None,
    city: None,
    website: None,
    founded_year: None,
    staff: None,
    counts: NO_COUNTS,
    ecosystems: &[],
    emerging: &[],
    technologies: &[],
    label: None,
    status: ClusterStatus::Published,
    description: "",
    invented: false,
    contact: None,
};

/// Defaults of an invented European profile: a published cluster organisation.
const EU: Org = Org {
    kind: ClusterKind::ClusterOrganisation,
    country: "",
    invented: true,
    ..TW
};

use ClusterKind as K;
use Ecosystem as E;
use EmergingIndustry as I;

/// The 13 Taiwanese organisations registered on ECCP in 2018, and TAMI of the success story.
const TAIWAN: &[Org] = &[
    Org {
        slug: "cnfi",
        name: "Chinese National Federation of Industries",
        local_name: Some("中華民國全國工業總會"),
        acronym: Some("CNFI"),
        kind: K::NationalClusterOrganisation,
        city: Some("Taipei"),
        website: Some("https://www.cnfi.org.tw"),
        ecosystems: &[
            E::Digital,
            E::Electronics,
            E::EnergyIntensive,
            E::MobilityTransportAutomotive,
        ],
        technologies: &["cluster cooperation", "international trade", "smart manufacturing"],
        description: "Taiwan's national federation of industries (工總) and the partner of the European Cluster \
            Collaboration Platform (ECCP) in Taiwan. CNFI helps Taiwanese industry associations and other bodies \
            register on ECCP and, with ECCP, organises the Taiwan-EU Cluster Cooperation Seminar, a regular \
            meeting of Taiwanese and European clusters with success-story sharing and matchmaking sessions.",
        contact: Some((
            "International Economic and Trade Affairs Department",
            "info@cnfi.example.tw",
            "+886 2 5555 0100",
        )),
        ..TW
    },
    // The article's text breaks across a page inside this name (台灣創新快 / 製中心).
    Org {
        slug: "tw-rapid-prototyping",
        name: "Taiwan Rapid Innovation Prototyping Centre",
        local_name: Some("台灣創新快製中心"),
        kind: K::ResearchCentre,
        city: Some("Taichung"),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &[
            "rapid prototyping",
            "3D printing",
            "product design",
            "smart manufacturing",
        ],
        description: "A Taiwanese centre that helps start-ups and manufacturers turn new product ideas into \
            working prototypes quickly, from design and rapid prototyping to small-series production.",
        ..TW
    },
    Org {
        slug: "system-integration-tw",
        name: "System Integration Promotion Office",
        local_name: Some("系統整合推動辦公室"),
        kind: K::Project,
        city: Some("Taipei"),
        ecosystems: &[E::AerospaceDefence, E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &[
            "system integration",
            "turnkey solutions",
            "smart manufacturing",
            "IoT",
            "aerospace",
        ],
        description: "Taiwan's system-integration cluster: it helps Taiwanese companies team up to offer complete, \
            integrated systems and turnkey solutions abroad. It met the European ICT and aerospace cluster CASTRA \
            at a 2016 ECCP matchmaking event; the two now co-invest, co-develop high-tech products and plan a \
            long-term joint project.",
        contact: Some((
            "Project Secretariat",
            "info@system-integration.example.tw",
            "+886 2 5555 0130",
        )),
        ..TW
    },
    Org {
        slug: "tpca",
        name: "Taiwan Printed Circuit Association",
        local_name: Some("台灣電路板協會"),
        acronym: Some("TPCA"),
        city: Some("Taoyuan"),
        ecosystems: &[E::Electronics],
        emerging: &[I::AdvancedPackaging],
        technologies: &[
            "printed circuit boards",
            "PCB",
            "IC substrates",
            "flexible circuits",
            "electronics manufacturing",
        ],
        description: "Industry association of Taiwan's printed circuit board sector: board makers and their \
            suppliers of materials, chemicals and equipment. It runs trade shows, market studies and \
            international cooperation for its members.",
        contact: Some(("Secretariat", "info@tpca.example.tw", "+886 3 555 0140")),
        ..TW
    },
    Org {
        slug: "taia",
        name: "Taiwan Aerospace Industry Association",
        local_name: Some("台灣區航太工業同業公會"),
        acronym: Some("TAIA"),
        city: Some("Taichung"),
        ecosystems: &[E::AerospaceDefence],
        emerging: &[I::MobilityTechnologies],
        technologies: &[
            "aerospace",
            "aircraft components",
            "composites",
            "MRO",
            "precision machining",
        ],
        description: "Industry association of Taiwan's aerospace companies: makers of aircraft structures, engine \
            parts and components, and maintenance, repair and overhaul (MRO) providers, looking for partners in \
            international supply chains.",
        contact: Some(("Secretariat", "info@taia.example.tw", "+886 4 5555 0150")),
        ..TW
    },
    Org {
        slug: "sampe-taiwan",
        name: "Society for the Advancement of Material and Process Engineering, Taiwan",
        local_name: Some("中華民國尖端材料科技協會"),
        acronym: Some("SAMPE Taiwan"),
        city: Some("Taipei"),
        ecosystems: &[E::AerospaceDefence, E::EnergyIntensive, E::MobilityTransportAutomotive],
        technologies: &[
            "composites",
            "advanced materials",
            "carbon fibre",
            "process engineering",
        ],
        description: "Taiwan's society for advanced materials and process engineering, linking companies, \
            universities and research institutes that work on composites and other advanced materials for \
            aerospace, transport and sports goods.",
        ..TW
    },
    Org {
        slug: "teema",
        name: "Taiwan Electrical and Electronic Manufacturers' Association",
        local_name: Some("台灣區電機電子工業同業公會"),
        acronym: Some("TEEMA"),
        city: Some("Taipei"),
        ecosystems: &[E::Digital, E::Electronics, E::EnergyRenewables],
        emerging: &[I::DigitalIndustries],
        technologies: &[
            "electronics",
            "electrical equipment",
            "5G",
            "smart manufacturing",
            "green energy",
        ],
        description: "Industry association of Taiwan's electrical and electronics manufacturers, from components \
            and equipment to ICT products, supporting its members in trade, standards and international \
            cooperation.",
        contact: Some(("International Affairs", "info@teema.example.tw", "+886 2 5555 0170")),
        ..TW
    },
    Org {
        slug: "new-taipei-computer",
        name: "New Taipei City Computer Association",
        local_name: Some("新北市電腦商業同業公會"),
        city: Some("New Taipei"),
        ecosystems: &[E::Digital, E::Retail],
        emerging: &[I::DigitalIndustries],
        technologies: &["computers", "IT services", "software", "e-commerce"],
        description: "Association of computer, software and IT-service businesses in New Taipei City.",
        ..TW
    },
    Org {
        slug: "lihgu-alliance",
        name: "Taiwan Lihgu Industry Innovation Alliance",
        local_name: Some("台灣麗谷產業創新聯盟"),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &["industrial innovation", "smart machinery", "IoT"],
        description: "An alliance of Taiwanese companies (also known as Li-Valley) that brings firms together for \
            joint industrial innovation projects.",
        ..TW
    },
    Org {
        slug: "pharma-development-tw",
        name: "Taiwan Pharmaceutical Development Association",
        local_name: Some("中華民國製藥發展協會"),
        city: Some("Taipei"),
        ecosystems: &[E::Health],
        emerging: &[I::Biopharmaceuticals],
        technologies: &[
            "pharmaceuticals",
            "generic drugs",
            "GMP manufacturing",
            "drug development",
        ],
        description: "Association of Taiwan's pharmaceutical manufacturers, working on drug development, quality \
            manufacturing and access to international markets.",
        ..TW
    },
    Org {
        slug: "tmbia",
        name: "Taiwan Medical and Biotech Industries Association",
        local_name: Some("台灣醫療暨生技器材工業同業公會"),
        acronym: Some("TMBIA"),
        city: Some("Taipei"),
        ecosystems: &[E::Health],
        emerging: &[I::Biopharmaceuticals, I::MedicalDevices],
        technologies: &[
            "medical devices",
            "biotech equipment",
            "in-vitro diagnostics",
            "healthcare",
        ],
        description: "Industry association of Taiwan's makers of medical devices and biotech equipment, helping \
            them with regulation, trade fairs and foreign partners.",
        contact: Some(("Secretariat", "info@tmbia.example.tw", "+886 2 5555 0111")),
        ..TW
    },
    Org {
        slug: "iot-tw",
        name: "Taiwan Association of IoT Industry Technology",
        local_name: Some("台灣物聯網產業技術協會"),
        city: Some("Taipei"),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &["IoT", "5G", "sensors", "smart city", "cloud services"],
        description: "Association of Taiwanese companies and experts in Internet-of-Things technology: sensors, \
            connectivity, 5G, cloud platforms and smart-city applications.",
        ..TW
    },
    Org {
        slug: "frozen-seafood-tw",
        name: "Taiwan Frozen Seafood Industries Association",
        local_name: Some("台灣區冷凍水產工業同業公會"),
        city: Some("Kaohsiung"),
        ecosystems: &[E::AgriFood],
        emerging: &[I::BlueGrowth, I::LogisticalServices],
        technologies: &["frozen seafood", "cold chain", "seafood processing", "food safety"],
        description: "Industry association of Taiwan's frozen seafood processors and exporters, covering \
            processing, cold-chain logistics and food safety.",
        ..TW
    },
    // Not among the 13 registered organisations: the machinery association of the success story.
    Org {
        slug: "tami",
        name: "Taiwan Association of Machinery Industry",
        local_name: Some("台灣機械工業同業公會"),
        acronym: Some("TAMI"),
        city: Some("Taipei"),
        ecosystems: &[E::Digital, E::MobilityTransportAutomotive],
        emerging: &[I::DigitalIndustries, I::MobilityTechnologies],
        technologies: &[
            "machine tools",
            "smart machinery",
            "smart manufacturing",
            "industrial automation",
        ],
        description: "Industry association of Taiwan's machinery makers (機械公會), from machine tools to \
            industrial automation. TAMI met a German university of technology at the 2017 Taiwan-EU cluster \
            cooperation seminar in Brussels; after visits both sides are preparing a concrete cooperation project.",
        contact: Some(("International Department", "info@tami.example.tw", "+886 2 5555 0190")),
        ..TW
    },
];

/// CASTRA (from the article) and invented European clusters, one of them not yet published.
const EUROPE: &[Org] = &[
    // CASTRA's country and full name are not in the article: FR is a demo assumption.
    Org {
        slug: "castra",
        name: "CASTRA",
        acronym: Some("CASTRA"),
        country: "FR",
        ecosystems: &[E::AerospaceDefence, E::Digital],
        emerging: &[I::DigitalIndustries, I::MobilityTechnologies],
        technologies: &["aerospace", "ICT", "avionics", "embedded systems", "system integration"],
        description: "A European cluster in ICT and aerospace. CASTRA met Taiwan's system-integration cluster at a \
            2016 ECCP matchmaking event; the two now co-invest, co-develop high-tech products and plan a \
            long-term joint project.",
        invented: false,
        contact: Some(("Cluster Management", "info@castra.example.eu", "+33 5 55 55 01 00")),
        ..EU
    },
    // Stands in for the unnamed German university of technology of the TAMI story.
    Org {
        slug: "tu-lower-saxony",
        name: "Technical University of Lower Saxony",
        kind: K::University,
        country: "DE",
        region: Some("Lower Saxony"),
        city: Some("Braunschweig"),
        website: Some("https://tu-lower-saxony.example.eu"),
        founded_year: Some(1877),
        ecosystems: &[E::Digital, E::MobilityTransportAutomotive],
        emerging: &[I::DigitalIndustries],
        technologies: &[
            "production engineering",
            "machine tools",
            "smart manufacturing",
            "automation",
        ],
        description: "A university of technology with institutes for production engineering, machine tools and \
            automation, doing applied research with industry. It met the Taiwan Association of Machinery Industry \
            (TAMI) at the 2017 Taiwan-EU cluster cooperation seminar in Brussels.",
        contact: Some((
            "Dr. Katrin Vogel",
            "international@tu-lower-saxony.example.eu",
            "+49 531 555 0100",
        )),
        ..EU
    },
    Org {
        slug: "smart-production-ni",
        name: "Lower Saxony Smart Production Cluster",
        country: "DE",
        region: Some("Lower Saxony"),
        city: Some("Hanover"),
        website: Some("https://smart-production.example.eu"),
        founded_year: Some(2008),
        staff: Some(StaffBand::SixToTen),
        counts: counts(140, 95, 12, 18, 10, 5),
        ecosystems: &[E::AerospaceDefence, E::Digital, E::MobilityTransportAutomotive],
        emerging: &[I::DigitalIndustries, I::MobilityTechnologies],
        technologies: &[
            "smart manufacturing",
            "Industry 4.0",
            "robotics",
            "digital twins",
            "aerospace",
        ],
        label: Some((ClusterLabel::Gold, (2027, 12, 31))),
        description: "Cluster of manufacturers, automation suppliers and research institutes that bring \
            Industry 4.0 into production lines for automotive and aerospace parts.",
        contact: Some(("Anna Becker", "info@smart-production.example.eu", "+49 511 555 0100")),
        ..EU
    },
    Org {
        slug: "saxony-5g",
        name: "Saxony 5G Cluster",
        country: "DE",
        region: Some("Saxony"),
        city: Some("Dresden"),
        website: Some("https://5g-cluster.example.eu"),
        founded_year: Some(2017),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(96, 60, 20, 8, 6, 2),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &["5G", "campus networks", "edge computing", "IoT", "semiconductors"],
        label: Some((ClusterLabel::Silver, (2028, 3, 31))),
        description: "Cluster of network equipment makers, chip designers and industrial users that test 5G \
            campus networks and edge computing in real factories.",
        contact: Some(("Jonas Richter", "info@5g-cluster.example.eu", "+49 351 555 0142")),
        ..EU
    },
    Org {
        slug: "nordic-5g",
        name: "Nordic 5G Testbed Cluster",
        country: "FI",
        city: Some("Oulu"),
        website: Some("https://nordic-5g.example.eu"),
        founded_year: Some(2016),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(72, 40, 18, 6, 7, 1),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &["5G", "6G", "wireless testbeds", "IoT"],
        label: Some((ClusterLabel::Bronze, (2027, 6, 30))),
        description: "Cluster around open 5G and 6G test networks where companies try out wireless products \
            before they reach the market.",
        ..EU
    },
    Org {
        slug: "north-sea-wind",
        name: "North Sea Wind Energy Cluster",
        country: "DK",
        city: Some("Esbjerg"),
        website: Some("https://northsea-wind.example.eu"),
        founded_year: Some(2004),
        staff: Some(StaffBand::MoreThanTen),
        counts: counts(210, 150, 10, 25, 15, 10),
        ecosystems: &[E::EnergyRenewables],
        emerging: &[I::BlueGrowth, I::EnvironmentalIndustries],
        technologies: &[
            "wind energy",
            "offshore wind",
            "wind turbines",
            "operations and maintenance",
            "energy storage",
        ],
        label: Some((ClusterLabel::Gold, (2028, 6, 30))),
        description: "Cluster of the offshore wind supply chain: turbine and foundation suppliers, installation \
            and service companies, ports and test centres.",
        contact: Some(("Mette Jensen", "info@northsea-wind.example.eu", "+45 75 55 01 00")),
        ..EU
    },
    Org {
        slug: "cantabrian-wind",
        name: "Cantabrian Offshore Wind Cluster",
        country: "ES",
        region: Some("Cantabria"),
        city: Some("Santander"),
        website: Some("https://cantabrian-wind.example.eu"),
        founded_year: Some(2012),
        staff: Some(StaffBand::OneToTwo),
        counts: counts(58, 40, 5, 7, 4, 2),
        ecosystems: &[E::EnergyRenewables],
        emerging: &[I::BlueGrowth],
        technologies: &["offshore wind", "floating wind", "wind energy", "marine engineering"],
        description: "Cluster of shipyards, steel fabricators and engineering firms building floating offshore \
            wind platforms.",
        ..EU
    },
    Org {
        slug: "guadalquivir-aero",
        name: "Guadalquivir Aerospace Cluster",
        country: "ES",
        region: Some("Andalusia"),
        city: Some("Seville"),
        website: Some("https://guadalquivir-aero.example.eu"),
        founded_year: Some(2009),
        staff: Some(StaffBand::SixToTen),
        counts: counts(85, 55, 8, 10, 9, 3),
        ecosystems: &[E::AerospaceDefence],
        emerging: &[I::MobilityTechnologies],
        technologies: &["aerospace", "aerostructures", "composites", "UAV"],
        label: Some((ClusterLabel::Silver, (2027, 9, 30))),
        description: "Cluster of aerostructure suppliers, composite specialists and drone makers around the \
            final assembly lines of southern Spain.",
        contact: Some(("Lucía Moreno", "info@guadalquivir-aero.example.eu", "+34 955 550 100")),
        ..EU
    },
    Org {
        slug: "delta-circular",
        name: "Delta Circular Economy Cluster",
        country: "NL",
        region: Some("South Holland"),
        city: Some("Rotterdam"),
        website: Some("https://delta-circular.example.eu"),
        founded_year: Some(2015),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(64, 44, 9, 5, 4, 2),
        ecosystems: &[E::Construction, E::EnergyIntensive],
        emerging: &[I::EnvironmentalIndustries],
        technologies: &["circular economy", "recycling", "bio-based materials", "waste-to-value"],
        label: Some((ClusterLabel::Bronze, (2028, 1, 31))),
        description: "Cluster of recyclers, chemical companies and builders that turn port-area waste streams \
            into new materials.",
        contact: Some(("Pieter de Vries", "info@delta-circular.example.eu", "+31 10 555 0100")),
        ..EU
    },
    Org {
        slug: "baltic-circular",
        name: "Baltic Circular Materials Cluster",
        country: "SE",
        city: Some("Gothenburg"),
        website: Some("https://baltic-circular.example.eu"),
        founded_year: Some(2018),
        staff: Some(StaffBand::OneToTwo),
        counts: counts(41, 28, 6, 3, 3, 1),
        ecosystems: &[E::EnergyIntensive, E::Textiles],
        emerging: &[I::EnvironmentalIndustries],
        technologies: &["circular economy", "textile recycling", "materials recovery"],
        description: "Cluster for closing material loops in textiles, plastics and metals.",
        ..EU
    },
    Org {
        slug: "scheldt-industry40",
        name: "Scheldt Industry 4.0 Cluster",
        country: "BE",
        region: Some("Flanders"),
        city: Some("Antwerp"),
        website: Some("https://scheldt-industry40.example.eu"),
        founded_year: Some(2014),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(77, 50, 7, 12, 6, 2),
        ecosystems: &[E::Digital, E::EnergyIntensive],
        emerging: &[I::DigitalIndustries],
        technologies: &[
            "Industry 4.0",
            "smart manufacturing",
            "predictive maintenance",
            "process industry",
        ],
        description: "Cluster bringing sensors, data analytics and predictive maintenance to the process \
            industry around the port.",
        ..EU
    },
    Org {
        slug: "piedmont-mechatronics",
        name: "Piedmont Mechatronics Cluster",
        country: "IT",
        region: Some("Piedmont"),
        city: Some("Turin"),
        website: Some("https://piedmont-mechatronics.example.eu"),
        founded_year: Some(2007),
        staff: Some(StaffBand::SixToTen),
        counts: counts(118, 90, 6, 12, 8, 2),
        ecosystems: &[E::Digital, E::MobilityTransportAutomotive],
        emerging: &[I::MobilityTechnologies],
        technologies: &["mechatronics", "smart manufacturing", "robotics", "automotive"],
        label: Some((ClusterLabel::Silver, (2028, 9, 30))),
        description: "Cluster of mechatronics and automation SMEs supplying the automotive and machinery \
            industries.",
        contact: Some((
            "Giulia Ferraro",
            "info@piedmont-mechatronics.example.eu",
            "+39 011 555 0100",
        )),
        ..EU
    },
    Org {
        slug: "silesia-ict",
        name: "Silesian ICT Cluster",
        country: "PL",
        region: Some("Silesia"),
        city: Some("Katowice"),
        website: Some("https://silesia-ict.example.eu"),
        founded_year: Some(2011),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(66, 48, 10, 4, 3, 1),
        ecosystems: &[E::Digital],
        emerging: &[I::DigitalIndustries],
        technologies: &["ICT", "software", "cybersecurity", "cloud"],
        description: "Cluster of software houses, IT integrators and universities of the Silesian region.",
        ..EU
    },
    Org {
        slug: "alpine-electronics",
        name: "Alpine Electronics and Sensors Cluster",
        country: "AT",
        region: Some("Styria"),
        city: Some("Graz"),
        website: Some("https://alpine-electronics.example.eu"),
        founded_year: Some(2006),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(54, 30, 8, 9, 6, 1),
        ecosystems: &[E::Electronics, E::MobilityTransportAutomotive],
        emerging: &[I::DigitalIndustries],
        technologies: &["microelectronics", "sensors", "embedded systems", "5G"],
        label: Some((ClusterLabel::Bronze, (2027, 3, 31))),
        description: "Cluster of microelectronics, sensor and embedded-systems companies serving automotive \
            and industrial customers.",
        ..EU
    },
    Org {
        slug: "moravia-manufacturing",
        name: "Moravian Smart Manufacturing Cluster",
        country: "CZ",
        region: Some("South Moravia"),
        city: Some("Brno"),
        website: Some("https://moravia-manufacturing.example.eu"),
        founded_year: Some(2013),
        staff: Some(StaffBand::OneToTwo),
        counts: counts(49, 35, 4, 6, 3, 1),
        ecosystems: &[E::Digital, E::MobilityTransportAutomotive],
        emerging: &[I::DigitalIndustries],
        technologies: &["smart manufacturing", "machine tools", "additive manufacturing"],
        description: "Cluster of machine-tool builders and precision engineering firms moving to smart and \
            additive manufacturing.",
        ..EU
    },
    Org {
        slug: "space-data-occitanie",
        name: "Occitanie Space Data Cluster",
        country: "FR",
        region: Some("Occitanie"),
        city: Some("Toulouse"),
        website: Some("https://space-data.example.eu"),
        founded_year: Some(2016),
        staff: Some(StaffBand::ThreeToFive),
        counts: counts(62, 38, 14, 5, 4, 1),
        ecosystems: &[E::AerospaceDefence, E::Digital],
        emerging: &[I::DigitalIndustries],
        technologies: &["aerospace", "satellite data", "Earth observation", "ICT"],
        description: "Cluster of space and ICT companies turning satellite data into services for farming, \
            cities and transport.",
        ..EU
    },
    Org {
        slug: "shannon-medtech",
        name: "Shannon MedTech Cluster",
        country: "IE",
        city: Some("Limerick"),
        website: Some("https://shannon-medtech.example.eu"),
        founded_year: Some(2010),
        staff: Some(StaffBand::OneToTwo),
        counts: counts(45, 30, 6, 6, 2, 1),
        ecosystems: &[E::Health],
        emerging: &[I::MedicalDevices],
        technologies: &["medical devices", "digital health", "precision manufacturing"],
        description: "Cluster of medical-device makers, contract manufacturers and digital-health start-ups.",
        ..EU
    },
    // Submitted but not yet reviewed: hidden from anonymous callers.
    Org {
        slug: "atlantic-circular",
        name: "Atlantic Circular Economy Cluster",
        country: "PT",
        region: Some("Norte"),
        city: Some("Porto"),
        website: Some("https://atlantic-circular.example.eu"),
        founded_year: Some(2019),
        staff: Some(StaffBand::OneToTwo),
        counts: counts(23, 15, 4, 1, 2, 1),
        ecosystems: &[E::AgriFood, E::EnergyIntensive],
        emerging: &[I::BlueGrowth, I::EnvironmentalIndustries],
        technologies: &["circular economy", "packaging recycling", "marine plastics"],
        status: ClusterStatus::NeedsReview,
        description: "Young cluster for recycling packaging and marine plastics along the Atlantic coast.",
        contact: Some(("Rui Almeida", "info@atlantic-circular.example.eu", "+351 22 555 0100")),
        ..EU
    },
];

// ---------------------------------------------------------------------------------------------
// Members (all invented)
// ---------------------------------------------------------------------------------------------

type MemberRow = (&'static str, MemberKind, &'static str, Option<&'static str>);

use MemberKind as M;

const MEMBERS: &[(&str, &[MemberRow])] = &[
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

// ---------------------------------------------------------------------------------------------
// Partnerships
// ---------------------------------------------------------------------------------------------

struct Deal {
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
    seats: &'static [(&'static str, PartnershipRole)],
}

impl Deal {
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

use PartnershipRole::{Coordinator, Partner};

const PARTNERSHIPS: &[Deal] = &[
    Deal {
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
    Deal {
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
    Deal {
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

// ---------------------------------------------------------------------------------------------
// Success stories (the two of the article)
// ---------------------------------------------------------------------------------------------

struct Story {
    title: &'static str,
    summary: &'static str,
    body: &'static str,
    outcome: StoryOutcome,
    began_in: i32,
    clusters: &'static [&'static str],
    partnership: Option<&'static str>,
}

const STORIES: &[Story] = &[
    Story {
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
        outcome: StoryOutcome::LetterOfInterest,
        began_in: 2017,
        clusters: &["tami", "tu-lower-saxony"],
        partnership: None,
    },
    Story {
        title: "CASTRA and Taiwan's system-integration cluster co-invest and co-develop high-tech products",
        summary: "CASTRA, a European cluster in ICT and aerospace, met Taiwan's system-integration cluster at a \
            2016 ECCP matchmaking event. The two now co-invest, co-develop high-tech products and plan a \
            long-term joint project.",
        body: "CASTRA shared this story at the 2018 Taiwan-EU Cluster Cooperation Seminar in Taipei. It met \
            Taiwan's system-integration cluster (System Integration Promotion Office, 系統整合推動辦公室) at a \
            matchmaking event organised by the European Cluster Collaboration Platform in 2016. Since then the two \
            have put money into their cooperation and jointly develop high-tech products, and they plan a \
            long-term joint project.",
        outcome: StoryOutcome::Investment,
        began_in: 2016,
        clusters: &["castra", "system-integration-tw"],
        partnership: Some("castra-mou"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> impl Iterator<Item = &'static Org> {
        TAIWAN.iter().chain(EUROPE)
    }

    #[test]
    fn every_profile_passes_validation() {
        for org in all() {
            let mut profile = org.profile(None).expect("profile");
            if let Err(err) = profile.validate() {
                panic!("{}: {err:?}", org.slug);
            }
            assert_eq!(
                profile.slug.as_deref(),
                Some(org.slug),
                "slug of {} must need no normalising",
                org.slug
            );
        }
    }

    #[test]
    fn slugs_are_unique_and_referenced_slugs_exist() {
        let mut slugs: Vec<&str> = all().map(|o| o.slug).collect();
        slugs.sort();
        let before = slugs.len();
        slugs.dedup();
        assert_eq!(before, slugs.len(), "duplicate slug");
        let referenced = MEMBERS
            .iter()
            .map(|(s, _)| *s)
            .chain(PARTNERSHIPS.iter().flat_map(|p| p.seats.iter().map(|(s, _)| *s)))
            .chain(STORIES.iter().flat_map(|s| s.clusters.iter().copied()));
        for slug in referenced {
            assert!(slugs.contains(&slug), "unknown slug {slug}");
        }
    }

    #[test]
    fn taiwan_has_fourteen_published_profiles() {
        assert_eq!(TAIWAN.len(), 14);
        assert!(TAIWAN
            .iter()
            .all(|o| o.country == "TW" && o.status == ClusterStatus::Published && !o.invented));
        assert_eq!(
            TAIWAN
                .iter()
                .filter(|o| o.kind == ClusterKind::NationalClusterOrganisation)
                .count(),
            1
        );
    }

    #[test]
    fn europe_has_one_profile_under_review_and_marks_invented_ones() {
        assert!(EUROPE.iter().all(|o| o.country != "TW"));
        assert_eq!(
            EUROPE.iter().filter(|o| o.status == ClusterStatus::NeedsReview).count(),
            1
        );
        assert_eq!(
            EUROPE.iter().filter(|o| o.status == ClusterStatus::Published).count(),
            17
        );
        for org in EUROPE.iter().filter(|o| o.slug != "castra") {
            assert!(org.invented, "{}", org.slug);
            let profile = org.profile(None).expect("profile");
            assert!(
                profile
                    .description
                    .as_deref()
                    .is_some_and(|d| d.ends_with(INVENTED_PROFILE)),
                "{}",
                org.slug
            );
            assert!(!org.name.contains("demo"), "{}", org.slug);
        }
    }

    #[tokio::test]
    async fn loads_once_into_an_empty_database() {
        use migration::{Migrator, MigratorTrait};
        use sea_orm::{ColumnTrait, ConnectOptions, Database, QueryFilter};

        let mut options = ConnectOptions::new("sqlite::memory:");
        options.max_connections(1).sqlx_logging(false);
        let db = Database::connect(options).await.expect("connect");
        Migrator::up(&db, None).await.expect("migrate");
        assert!(is_empty(&db).await.expect("is_empty"));

        let report = load_demo_data(&db, DemoAccounts::Create).await.expect("load");
        let listed_members: usize = MEMBERS.iter().map(|(_, m)| m.len()).sum();
        assert_eq!(
            report,
            SeedReport {
                clusters: 32,
                members: listed_members,
                partnerships: 3,
                success_stories: 2,
                partner_organisations: 1,
                accounts: 4,
            }
        );
        assert!(!is_empty(&db).await.expect("is_empty"));

        let published_tw = cluster::Entity::find()
            .filter(cluster::Column::Country.eq("TW"))
            .filter(cluster::Column::Status.eq(ClusterStatus::Published))
            .all(&db)
            .await
            .expect("query");
        assert_eq!(published_tw.len(), 14);
        let cnfi = partner_organisation::Entity::find()
            .one(&db)
            .await
            .expect("query")
            .expect("CNFI");
        assert!(published_tw.iter().all(|c| c.represented_by_id == Some(cnfi.id)));
        let own = published_tw.iter().find(|c| c.slug == "cnfi").expect("CNFI profile");
        assert_eq!(cnfi.cluster_id, Some(own.id));
        assert_eq!(own.local_name.as_deref(), Some("中華民國全國工業總會"));

        // A second load writes nothing.
        assert!(matches!(
            load_demo_data(&db, DemoAccounts::Create).await,
            Err(AppError::Conflict(_))
        ));
        assert_eq!(cluster::Entity::find().count(&db).await.expect("count"), 32);
    }
}
