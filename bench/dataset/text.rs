//! The words of the dataset: headlines, paragraphs and the Markdown a
//! newsroom writes (links, lists, quotes), at the lengths it writes them.

use super::rng::Rng;

pub const TOPICS: &[&str] = &[
    "Huddersfield",
    "Halifax",
    "Brighouse",
    "Hebden Bridge",
    "Todmorden",
    "Elland",
    "Sowerby Bridge",
    "Holmfirth",
    "Marsden",
    "Mirfield",
    "Dewsbury",
    "Batley",
    "Calderdale Council",
    "Kirklees Council",
    "Health",
    "Education",
    "Transport",
    "Crime",
    "Courts",
    "Business",
    "Housing",
    "Weather",
    "Floods",
    "Politics",
    "Elections",
    "Sport",
    "Huddersfield Town",
    "Halifax Panthers",
    "Arts",
    "Music",
    "Environment",
    "Planning",
    "Police",
    "Fire service",
    "Schools",
    "Jobs",
    "Roads",
    "Railways",
    "Doctors' strike",
    "Community",
];

pub const REPORTERS: &[&str] = &[
    "James Whitworth, Chief Reporter",
    "Priya Sharma, Health Reporter",
    "Tom Ashworth, Local Democracy Reporter",
    "Aisha Khan, Crime Reporter",
    "Helen Greenwood, Education Correspondent",
    "Mark Sutcliffe, Sports Editor",
    "Ruth Barraclough, Business Reporter",
    "Daniel Haigh, Transport Reporter",
    "Sophie Lumb, Senior Reporter",
    "Imran Hussain, Courts Reporter",
    "Claire Holroyd, Features Editor",
    "Ben Crowther, Trainee Reporter",
];

pub const EDITORS: &[&str] = &[
    "James Whitworth",
    "Priya Sharma",
    "Tom Ashworth",
    "Aisha Khan",
    "Helen Greenwood",
    "Mark Sutcliffe",
    "Ruth Barraclough",
    "Daniel Haigh",
    "Sophie Lumb",
    "Imran Hussain",
    "Claire Holroyd",
    "Ben Crowther",
];

pub const PLACES: &[&str] = &[
    "Huddersfield Royal Infirmary",
    "Calderdale Royal Hospital",
    "Halifax Town Hall",
    "Huddersfield railway station",
    "Piece Hall",
    "Kirklees College",
    "Square Chapel",
    "Hebden Bridge marina",
    "Brighouse bus station",
    "the A629 at Salterhebble",
];

pub const SPEAKERS: &[&str] = &[
    "A Calderdale Council spokesperson",
    "West Yorkshire Police",
    "The British Medical Association",
    "Kirklees Council leader",
    "The trust's chief executive",
    "Network Rail",
    "West Yorkshire Fire and Rescue Service",
    "The Environment Agency",
    "A union representative",
];

const SUBJECTS: &[&str] = &[
    "the council",
    "residents",
    "the trust",
    "campaigners",
    "police",
    "the union",
    "shop owners",
    "parents",
    "the bus operator",
    "councillors",
    "volunteers",
    "the club",
    "firefighters",
    "the hospital",
    "commuters",
    "the school",
    "developers",
    "nurses",
];

const VERBS: &[&str] = &[
    "said",
    "warned",
    "confirmed",
    "announced",
    "agreed",
    "rejected",
    "welcomed",
    "criticised",
    "approved",
    "reviewed",
    "questioned",
    "backed",
    "delayed",
    "reopened",
];

const OBJECTS: &[&str] = &[
    "plans for a new road",
    "the budget for next year",
    "the closure of the library",
    "a bid for government funding",
    "changes to bin collections",
    "the flood defences",
    "the planning application",
    "a consultation on parking",
    "the new timetable",
    "the proposed housing estate",
    "repairs to the bridge",
    "extra staff for the ward",
    "the cost of the scheme",
    "a review of the service",
    "the opening hours",
];

const TAILS: &[&str] = &[
    "on Tuesday",
    "after months of delays",
    "at a packed meeting",
    "despite objections",
    "earlier this week",
    "following a long campaign",
    "in a statement",
    "last night",
    "for the third time this year",
    "before the end of the month",
    "after a public vote",
    "while the inquiry continues",
    "in the town centre",
    "across the valley",
];

const FILLERS: &[&str] = &[
    "It is expected to cost about £2 million.",
    "Work is due to start in the spring.",
    "More than 300 people signed a petition.",
    "A decision is due next month.",
    "The scheme has been debated for several years.",
    "Nobody was injured.",
    "Traffic was diverted for most of the afternoon.",
    "The meeting lasted three hours.",
    "Residents have until Friday to respond.",
    "The figures will be published in full.",
];

const LINK_TARGETS: &[(&str, &str)] = &[
    (
        "the council's report",
        "https://www.calderdale.gov.uk/reports",
    ),
    (
        "the consultation",
        "https://www.kirklees.gov.uk/consultations",
    ),
    (
        "NHS England's figures",
        "https://www.england.nhs.uk/statistics",
    ),
    (
        "the Environment Agency's flood map",
        "https://check-for-flooding.service.gov.uk",
    ),
    (
        "the planning documents",
        "https://www.calderdale.gov.uk/planning",
    ),
    (
        "the police appeal",
        "https://www.westyorkshire.police.uk/appeals",
    ),
];

/// A sentence of local news, occasionally with a link when `links`.
fn sentence(rng: &mut Rng, links: bool, out: &mut String) {
    if rng.chance(0.15) {
        out.push_str(rng.pick::<&str>(FILLERS));
        return;
    }
    let subject = rng.pick(SUBJECTS);
    let mut first = subject.chars();
    if let Some(c) = first.next() {
        out.extend(c.to_uppercase());
        out.push_str(first.as_str());
    }
    out.push(' ');
    out.push_str(rng.pick::<&str>(VERBS));
    out.push(' ');
    if links && rng.chance(0.06) {
        let (text, url) = rng.pick(LINK_TARGETS);
        out.push_str(&format!("[{text}]({url})"));
    } else {
        out.push_str(rng.pick::<&str>(OBJECTS));
    }
    out.push(' ');
    out.push_str(rng.pick::<&str>(TAILS));
    out.push('.');
}

/// A paragraph of `low..=high` sentences.
fn paragraph(rng: &mut Rng, low: u64, high: u64, out: &mut String) {
    for i in 0..rng.between(low, high) {
        if i > 0 {
            out.push(' ');
        }
        sentence(rng, true, out);
    }
    out.push_str("\n\n");
}

fn list(rng: &mut Rng, out: &mut String) {
    for _ in 0..rng.between(3, 5) {
        out.push_str("- ");
        sentence(rng, true, out);
        out.push('\n');
    }
    out.push('\n');
}

fn quote(rng: &mut Rng, out: &mut String) {
    out.push_str("> ");
    paragraph(rng, 1, 3, out);
    out.push_str(&format!("said {}.\n\n", rng.pick(SPEAKERS).to_lowercase()));
}

/// A headline: short, no full stop.
pub fn headline(rng: &mut Rng) -> String {
    let mut line = String::new();
    sentence(rng, false, &mut line);
    line.trim_end_matches('.').to_owned()
}

/// A story's body: 4 to 9 paragraphs (about 450 words), sometimes a list or
/// a quote, then its `READ MORE:` lines.
pub fn story_body(rng: &mut Rng, read_more: &[(String, String)]) -> String {
    let mut out = String::new();
    let paragraphs = rng.between(4, 9);
    for i in 0..paragraphs {
        if i == 2 && rng.chance(0.2) {
            quote(rng, &mut out);
        } else if i == 3 && rng.chance(0.15) {
            list(rng, &mut out);
        } else {
            paragraph(rng, 2, 5, &mut out);
        }
    }
    for (slug, headline) in read_more {
        out.push_str(&format!("READ MORE: [{headline}](/news/{slug})\n\n"));
    }
    out.truncate(out.trim_end().len());
    out
}

/// A live update's body: 1 to 3 short paragraphs (about 60 words).
pub fn update_body(rng: &mut Rng, read_more: Option<&(String, String)>) -> String {
    let mut out = String::new();
    for _ in 0..rng.between(1, 3) {
        if rng.chance(0.1) {
            quote(rng, &mut out);
        } else if rng.chance(0.03) {
            list(rng, &mut out);
        } else {
            paragraph(rng, 1, 3, &mut out);
        }
    }
    if let Some((slug, headline)) = read_more {
        out.push_str(&format!("READ MORE: [{headline}](/news/{slug})\n\n"));
    }
    out.truncate(out.trim_end().len());
    out
}

/// A standfirst: one plain sentence.
pub fn standfirst(rng: &mut Rng) -> String {
    let mut out = String::new();
    sentence(rng, false, &mut out);
    out
}
