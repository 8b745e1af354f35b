//! The Taiwanese cluster profiles of the demo data: the organisations of the 2018 article, with the
//! illustrative values the module documentation of `seed` lists.

use entity::taxonomy::{ClusterKind as K, Ecosystem as E, EmergingIndustry as I};

use super::clusters::{ClusterRecord, TAIWANESE};

/// The 13 Taiwanese organisations registered on ECCP in 2018, and TAMI of the success story.
pub(super) const TAIWAN: &[ClusterRecord] = &[
    ClusterRecord {
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
        // The article's own words (全國工業總會也擔任ECCP在台灣的合夥夥伴 …, the seminar it co-organises).
        description_zh_hant: Some(
            "全國工業總會（工總）擔任歐盟產業聚落合作平台（ECCP）在台灣的合夥夥伴，協助台灣公協會及其他單位登錄ECCP平台，\
            並與ECCP共同舉辦「台歐盟產業聚落合作研討會」，安排雙邊產業聚落自我介紹、成功案例分享及媒合會。",
        ),
        ..TAIWANESE
    },
    // The article's text breaks across a page inside this name (台灣創新快 / 製中心).
    ClusterRecord {
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
        ..TAIWANESE
    },
    ClusterRecord {
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
        // The article's words on the CASTRA success story, after a sentence of our own translation.
        description_zh_hant: Some(
            "台灣的系統整合產業聚落，協助台灣企業合組團隊，向海外提供完整的整合系統及統包解決方案。\
            在2016年ECCP舉辦的媒合會上認識歐方以資通訊及航太領域為主的產業聚落CASTRA，目前雙方不但注入資金、\
            共同研發高科技產品外，也計畫建立長久合作的專案。",
        ),
        ..TAIWANESE
    },
    ClusterRecord {
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
        // Our own translation of the English description.
        description_zh_hant: Some(
            "台灣印刷電路板產業的公協會，成員包括電路板製造商及其材料、化學品與設備供應商，\
            為會員舉辦展覽、市場研究及國際合作。",
        ),
        ..TAIWANESE
    },
    ClusterRecord {
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
        // Our own translation of the English description.
        description_zh_hant: Some(
            "台灣航太企業的公協會，成員包括飛機結構件、發動機零組件製造商及維修保養（MRO）業者，\
            尋求國際供應鏈中的合作夥伴。",
        ),
        ..TAIWANESE
    },
    ClusterRecord {
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
        ..TAIWANESE
    },
    ClusterRecord {
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
        ..TAIWANESE
    },
    ClusterRecord {
        slug: "new-taipei-computer",
        name: "New Taipei City Computer Association",
        local_name: Some("新北市電腦商業同業公會"),
        city: Some("New Taipei"),
        ecosystems: &[E::Digital, E::Retail],
        emerging: &[I::DigitalIndustries],
        technologies: &["computers", "IT services", "software", "e-commerce"],
        description: "Association of computer, software and IT-service businesses in New Taipei City.",
        ..TAIWANESE
    },
    ClusterRecord {
        slug: "lihgu-alliance",
        name: "Taiwan Lihgu Industry Innovation Alliance",
        local_name: Some("台灣麗谷產業創新聯盟"),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &["industrial innovation", "smart machinery", "IoT"],
        description: "An alliance of Taiwanese companies (also known as Li-Valley) that brings firms together for \
            joint industrial innovation projects.",
        ..TAIWANESE
    },
    ClusterRecord {
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
        ..TAIWANESE
    },
    ClusterRecord {
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
        ..TAIWANESE
    },
    ClusterRecord {
        slug: "iot-tw",
        name: "Taiwan Association of IoT Industry Technology",
        local_name: Some("台灣物聯網產業技術協會"),
        city: Some("Taipei"),
        ecosystems: &[E::Digital, E::Electronics],
        emerging: &[I::DigitalIndustries],
        technologies: &["IoT", "5G", "sensors", "smart city", "cloud services"],
        description: "Association of Taiwanese companies and experts in Internet-of-Things technology: sensors, \
            connectivity, 5G, cloud platforms and smart-city applications.",
        ..TAIWANESE
    },
    ClusterRecord {
        slug: "frozen-seafood-tw",
        name: "Taiwan Frozen Seafood Industries Association",
        local_name: Some("台灣區冷凍水產工業同業公會"),
        city: Some("Kaohsiung"),
        ecosystems: &[E::AgriFood],
        emerging: &[I::BlueGrowth, I::LogisticalServices],
        technologies: &["frozen seafood", "cold chain", "seafood processing", "food safety"],
        description: "Industry association of Taiwan's frozen seafood processors and exporters, covering \
            processing, cold-chain logistics and food safety.",
        ..TAIWANESE
    },
    // Not among the 13 registered organisations: the machinery association of the success story.
    ClusterRecord {
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
        // The article's words on the success story (機械公會陳枝昌副秘書長), after a sentence of our own translation.
        description_zh_hant: Some(
            "台灣機械製造業的公協會（機械公會），產品從工具機到產業自動化。2017年在比利時布魯塞爾參加台歐盟產業聚落合作研討會中，\
            認識德國的科技大學，會後積極連繫及互訪，目前已準備推動實質的合作計畫。",
        ),
        ..TAIWANESE
    },
];

#[cfg(test)]
mod tests {
    use entity::taxonomy::{ClusterKind, ClusterStatus};

    use super::*;

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
}
