//! The public report as pictures: the SVG charts parse, and the standalone
//! page shows exactly the public JSON's figures (suppression included),
//! with approved testimonials and names only where consented.
use std::collections::HashMap;

use quick_xml::escape::unescape;
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use serde_json::{Value, json};

use crate::cadence::{Cohort, cohort};
use crate::evaluations::{answers, open_evaluations, submitted};
use crate::helpers::*;

/// The `data-` attributes of every element carrying `data-figure` (or
/// `data-chart`), by that attribute's value.
fn tagged(html: &str, key: &str) -> HashMap<String, HashMap<String, String>> {
    let mut reader = Reader::from_str(html);
    reader.config_mut().check_end_names = false;
    let mut found = HashMap::new();
    loop {
        match reader.read_event().expect("the page parses") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let attrs: HashMap<String, String> = e
                    .attributes()
                    .map(|a| {
                        let a = a.expect("attribute");
                        (
                            AsRef::<str>::as_ref(&a.key).to_owned(),
                            unescape(&a.value).unwrap().into_owned(),
                        )
                    })
                    .collect();
                if let Some(name) = attrs.get(key) {
                    found.insert(name.clone(), attrs);
                }
            }
            _ => {}
        }
    }
    found
}

/// Parses a whole SVG document strictly; returns its root element's name
/// and its text.
fn parse_svg(svg: &str) -> (String, String) {
    let mut reader = Reader::from_str(svg);
    let mut root = None;
    let mut text = String::new();
    loop {
        match reader.read_event().expect("the SVG parses") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                root.get_or_insert_with(|| AsRef::<str>::as_ref(&e.name()).to_owned());
            }
            Event::Text(t) => {
                text.push_str(&unescape(&t.xml_content(XmlVersion::Implicit1_0)).unwrap())
            }
            _ => {}
        }
    }
    (root.expect("a root element"), text)
}

/// Six pairs: every mentor answers (five would mentor again), four
/// mentees answer (a group too small for the public report). Two mentee
/// quotes are approved: one named, one anonymous.
async fn six_pairs_evaluated(app: &TestApp) -> Cohort {
    let c = cohort(app, 6).await;
    open_evaluations(app, &c.cycle_id).await;
    for (i, pair) in c.pairs.iter().enumerate() {
        let again = if i < 5 { "as_mentor" } else { "no" };
        submitted(app, &pair.mentor, &c.cycle_id, &answers("yes", again)).await;
    }
    let quotes = [
        ("named", "My mentor <b>opened</b> doors for me."),
        ("anonymous", "Anonymous & grateful."),
    ];
    for (i, pair) in c.pairs.iter().take(4).enumerate() {
        let mut body = answers(if i < 3 { "yes" } else { "unsure" }, "as_mentee");
        if let Some((consent, quote)) = quotes.get(i) {
            body["quote"] = json!(quote);
            body["quote_consent"] = json!(consent);
        }
        let e = submitted(app, &pair.mentee, &c.cycle_id, &body).await;
        if i < quotes.len() {
            let approved = app
                .post(
                    &format!(
                        "/api/v1/evaluations/{}/quote/approve",
                        e["id"].as_str().unwrap()
                    ),
                    Some(&c.committee.token),
                    &json!({}),
                )
                .await;
            json_of(approved, 200).await;
        }
    }
    c
}

#[tokio::test]
async fn the_public_page_shows_the_public_reports_figures_and_its_testimonials() {
    // Arrange
    let app = spawn_app().await;
    let c = six_pairs_evaluated(&app).await;
    let public = json_of(
        app.get(
            &format!("/api/v1/cycles/{}/report/public", c.cycle_id),
            None,
        )
        .await,
        200,
    )
    .await;

    // Act
    let resp = app
        .get(
            &format!("/api/v1/cycles/{}/report/public.html", c.cycle_id),
            None,
        )
        .await;

    // Assert: a page any site may frame, loading nothing.
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors *") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(!headers.contains_key("x-frame-options"));
    let html = resp.text().await.unwrap();
    let figures = tagged(&html, "data-figure");
    let shares = [
        ("mentors_responded", &public["mentors_responded"]),
        ("mentees_responded", &public["mentees_responded"]),
        ("all_responded", &public["all_responded"]),
        ("pairs_keep_in_touch", &public["pairs_keep_in_touch"]),
        ("mentors_again", &public["mentors_again"]),
        ("mentees_again", &public["mentees_again"]),
        ("mentees_as_mentor", &public["mentees_as_mentor"]),
        ("ended_early", &public["ended_early"]),
        ("workshop_attendance", &public["workshop_attendance"]),
        (
            "pairs_meeting_expectation",
            &public["meetings"]["pairs_meeting_expectation"],
        ),
    ];
    for (key, f) in shares {
        let row = &figures[key];
        if f["suppressed"] == true {
            assert_eq!(
                row.get("data-suppressed").map(String::as_str),
                Some("true"),
                "{key}"
            );
            assert!(!row.contains_key("data-numerator"), "{key}");
        } else if f["percent"].is_null() {
            assert!(!row.contains_key("data-percent"), "{key}");
        } else {
            let page_value = |attr: &str| -> Value {
                serde_json::from_str(&row[attr]).unwrap_or_else(|_| panic!("{key}.{attr}"))
            };
            assert_eq!(page_value("data-numerator"), f["numerator"], "{key}");
            assert_eq!(page_value("data-denominator"), f["denominator"], "{key}");
            assert_eq!(
                page_value("data-percent").as_f64(),
                f["percent"].as_f64(),
                "{key}"
            );
        }
    }
    // The seed-like figures themselves: 6 of 6 mentors answered, 5 of 6
    // would mentor again; 4 mentees is too small a group to show.
    assert_eq!(figures["mentors_again"]["data-percent"], "83.3");
    assert_eq!(figures["mentors_again"]["data-numerator"], "5");
    assert_eq!(public["mentees_again"]["suppressed"], true);
    let mean = public["overall_rating"]["mean"].as_f64().unwrap();
    assert_eq!(
        figures["overall_rating"]["data-mean"]
            .parse::<f64>()
            .unwrap(),
        mean
    );
    assert_eq!(
        figures["overall_rating"]["data-responses"],
        public["overall_rating"]["responses"].to_string()
    );

    // Every chart inline, each as in its own SVG.
    let charts = tagged(&html, "data-chart");
    for name in ["responses", "outcomes", "overall-rating", "match-rating"] {
        assert!(charts.contains_key(name), "chart {name} on the page");
    }

    // Testimonials: the named one with its author, the anonymous one with
    // none, markup escaped; no free text beyond them.
    assert!(html.contains("My mentor &lt;b&gt;opened&lt;/b&gt; doors for me."));
    assert!(!html.contains("<b>opened</b>"));
    assert!(html.contains("Anonymous &amp; grateful.</p><footer>— A mentee</footer>"));
    let named_author = json_of(
        app.get(
            &format!("/api/v1/testimonials?cycle_id={}", c.cycle_id),
            None,
        )
        .await,
        200,
    )
    .await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|t| t["author_name"].as_str().map(str::to_owned))
        .expect("the named testimonial");
    assert!(html.contains(&format!("— {named_author}, mentee")));
    assert!(!html.contains("Monthly calls."), "no free text");
}

#[tokio::test]
async fn every_chart_is_an_svg_document_drawn_from_the_public_figures() {
    // Arrange
    let app = spawn_app().await;
    let c = six_pairs_evaluated(&app).await;
    let chart = |name: &str| {
        let app = &app;
        let path = format!("/api/v1/cycles/{}/report/charts/{name}.svg", c.cycle_id);
        async move { app.get(&path, None).await }
    };

    // Act + Assert
    for (name, title) in [
        ("responses", "Who answered"),
        ("outcomes", "Outcomes"),
        ("overall-rating", "The program overall"),
        ("match-rating", "The match"),
    ] {
        let resp = chart(name).await;
        assert_eq!(resp.status(), 200, "{name}");
        assert_eq!(
            resp.headers()["content-type"],
            "image/svg+xml; charset=utf-8"
        );
        let (root, text) = parse_svg(&resp.text().await.unwrap());
        assert_eq!(root, "svg", "{name}");
        assert!(text.contains(title), "{name}: {text}");
    }
    // The outcomes chart labels the mentees' group (4) as too small and
    // draws the mentors' 83.3%.
    let (_, outcomes) = parse_svg(&chart("outcomes").await.text().await.unwrap());
    assert!(outcomes.contains("Mentees back (too few to show)"));
    assert!(outcomes.contains("83.3"), "{outcomes}");

    let unknown = chart("pie").await;
    let problem = assert_problem(unknown, 404).await;
    assert!(problem["detail"].as_str().unwrap().contains("outcomes"));
    let nowhere = app
        .get(
            &format!(
                "/api/v1/cycles/{}/report/charts/outcomes.svg",
                uuid::Uuid::new_v4()
            ),
            None,
        )
        .await;
    assert_problem(nowhere, 404).await;
}

#[tokio::test]
async fn a_rating_chart_of_too_few_answers_says_so_instead_of_drawing_them() {
    // Arrange: two pairs, so four answers in all: under the minimum of 5.
    let app = spawn_app().await;
    let c = cohort(&app, 2).await;
    open_evaluations(&app, &c.cycle_id).await;
    for pair in &c.pairs {
        submitted(
            &app,
            &pair.mentor,
            &c.cycle_id,
            &answers("yes", "as_mentor"),
        )
        .await;
        submitted(
            &app,
            &pair.mentee,
            &c.cycle_id,
            &answers("yes", "as_mentee"),
        )
        .await;
    }

    // Act
    let resp = app
        .get(
            &format!(
                "/api/v1/cycles/{}/report/charts/overall-rating.svg",
                c.cycle_id
            ),
            None,
        )
        .await;

    // Assert
    assert_eq!(resp.status(), 200);
    let (root, text) = parse_svg(&resp.text().await.unwrap());
    assert_eq!(root, "svg");
    assert!(text.contains("Fewer than 5 answers: not shown"), "{text}");
    let page = app
        .get(
            &format!("/api/v1/cycles/{}/report/public.html", c.cycle_id),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    let figures = tagged(&page, "data-figure");
    assert_eq!(figures["overall_rating"]["data-suppressed"], "true");
    assert!(!figures["overall_rating"].contains_key("data-mean"));
}

#[tokio::test]
async fn the_committees_spreadsheet_has_a_row_per_evaluation_and_no_name_beside_an_anonymous_quote()
{
    // Arrange: three mentees answer: a named quote, an anonymous one that
    // starts like a formula, and one without a quote.
    let app = spawn_app().await;
    let c = cohort(&app, 3).await;
    open_evaluations(&app, &c.cycle_id).await;
    let quotes = [
        Some(("named", "It changed my year.")),
        Some(("anonymous", "=HYPERLINK(\"http://x\")")),
        None,
    ];
    for (pair, quote) in c.pairs.iter().zip(quotes) {
        let mut body = answers("yes", "as_mentee");
        if let Some((consent, text)) = quote {
            body["quote"] = json!(text);
            body["quote_consent"] = json!(consent);
        }
        submitted(&app, &pair.mentee, &c.cycle_id, &body).await;
    }
    let path = format!("/api/v1/cycles/{}/evaluations?format=csv", c.cycle_id);

    // Act
    let resp = app.get(&path, Some(&c.committee.token)).await;

    // Assert
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("evaluations-")
    );
    let body = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    for column in [
        "evaluation_id",
        "role",
        "author_name",
        "overall_rating",
        "match_rating",
        "meetings_held",
        "plans_to_keep_in_touch",
        "would_participate_again",
        "what_worked",
        "what_to_improve",
        "quote",
        "quote_consent",
    ] {
        assert!(header.iter().any(|h| h == column), "{column} in {header:?}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    let by_consent = |consent: &str| {
        rows.iter()
            .find(|r| &r[col("quote_consent")] == consent)
            .unwrap_or_else(|| panic!("a {consent} row"))
    };
    assert!(!by_consent("named")[col("author_name")].is_empty());
    assert!(!by_consent("none")[col("author_name")].is_empty());
    let anonymous = by_consent("anonymous");
    assert_eq!(&anonymous[col("author_name")], "");
    assert_eq!(&anonymous[col("quote")], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&anonymous[col("overall_rating")], "5");

    // Nobody else gets it: a participant is refused.
    let mentee = app.get(&path, Some(&c.pairs[0].mentee.token)).await;
    assert_problem(mentee, 403).await;
}
