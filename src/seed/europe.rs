//! The European cluster profiles of the demo data: CASTRA from the article and invented clusters to
//! cooperate with, each invented one marked as such in its description.

use entity::taxonomy::{
    ClusterKind as K, ClusterLabel, ClusterStatus, Ecosystem as E, EmergingIndustry as I, StaffBand,
};

use super::clusters::{counts, ClusterRecord, EUROPEAN};

/// CASTRA (from the article) and invented European clusters, one of them not yet published.
pub(super) const EUROPE: &[ClusterRecord] = &[
    // CASTRA's country and full name are not in the article: FR is a demo assumption.
    ClusterRecord {
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
        ..EUROPEAN
    },
    // Stands in for the unnamed German university of technology of the TAMI story.
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    ClusterRecord {
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
        ..EUROPEAN
    },
    // Submitted but not yet reviewed: hidden from anonymous callers.
    ClusterRecord {
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
        ..EUROPEAN
    },
];

#[cfg(test)]
mod tests {
    use super::super::clusters::INVENTED_PROFILE;
    use super::*;

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
        for record in EUROPE.iter().filter(|o| o.slug != "castra") {
            assert!(record.invented, "{}", record.slug);
            let profile = record.profile(None).expect("profile");
            assert!(
                profile
                    .description
                    .as_deref()
                    .is_some_and(|d| d.ends_with(INVENTED_PROFILE)),
                "{}",
                record.slug
            );
            assert!(!record.name.contains("demo"), "{}", record.slug);
        }
    }
}
