//! The cycle's own questions on the evaluation form: the committee adds
//! them per role, each partner is asked their role's, answers are checked
//! like an application's, and the committee's spreadsheet has a column per
//! question and per option of a multi-choice one.
use serde_json::{Value, json};

use crate::cadence::{Cohort, cohort};
use crate::evaluations::{answers, open_evaluations, submit, submitted};
use crate::helpers::*;

/// The evaluation questions of the cohort's cycle: a mentors' scale, a
/// mentees' required multi-choice, a text for both; and one application
/// question, which the evaluation form never asks.
struct Questions {
    mentor_scale: String,
    mentee_choice: String,
    both_text: String,
    application: String,
}

async fn question(app: &TestApp, c: &Cohort, body: Value) -> String {
    let url = format!("/api/v1/cycles/{}/questions", c.cycle_id);
    let created = json_of(app.post(&url, Some(&c.committee.token), &body).await, 201).await;
    created["id"].as_str().unwrap().to_owned()
}

async fn questions(app: &TestApp, c: &Cohort) -> Questions {
    Questions {
        mentor_scale: question(
            app,
            c,
            json!({"form": "evaluation", "prompt": "How prepared did you feel?",
                   "kind": "scale", "audience": "mentor"}),
        )
        .await,
        mentee_choice: question(
            app,
            c,
            json!({"form": "evaluation", "prompt": "Which workshops helped?",
                   "kind": "multi_choice", "options": ["Resume review", "Interviewing", "Networking"],
                   "required": true, "audience": "mentee"}),
        )
        .await,
        both_text: question(
            app,
            c,
            json!({"form": "evaluation", "prompt": "=One thing to keep", "kind": "text"}),
        )
        .await,
        application: question(
            app,
            c,
            json!({"prompt": "Anything else?", "kind": "text"}),
        )
        .await,
    }
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect()
}

/// One pair's cohort with the questions, its evaluations open.
async fn evaluating() -> (TestApp, Cohort, Questions) {
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let q = questions(&app, &c).await;
    open_evaluations(&app, &c.cycle_id).await;
    (app, c, q)
}

/// The mentee's evaluation, with `given` answers to the cycle's questions.
async fn mentee_evaluated(app: &TestApp, c: &Cohort, given: Value) -> Value {
    let body = with_answers("yes", "as_mentee", given);
    submitted(app, &c.pairs[0].mentee, &c.cycle_id, &body).await
}

fn with_answers(keep: &str, again: &str, given: Value) -> Value {
    let mut body = answers(keep, again);
    body["answers"] = given;
    body
}

#[tokio::test]
async fn each_partner_is_asked_their_roles_evaluation_questions_and_the_application_form_none() {
    // Arrange
    let app = spawn_app().await;
    let c = cohort(&app, 1).await;
    let q = questions(&app, &c).await;
    let pair = &c.pairs[0];
    let stranger = app.member().await;
    let list = |form: &str| format!("/api/v1/cycles/{}/questions{form}", c.cycle_id);
    let form_path = format!("/api/v1/cycles/{}/evaluation-form", c.cycle_id);

    // Act
    let default = json_of(app.get(&list(""), None).await, 200).await;
    let evaluation = json_of(app.get(&list("?form=evaluation"), None).await, 200).await;
    let bogus = app.get(&list("?form=exit_survey"), None).await;
    let application_form = json_of(
        app.get(
            &format!("/api/v1/cycles/{}/form?role=mentee", c.cycle_id),
            None,
        )
        .await,
        200,
    )
    .await;
    let mentor = json_of(app.get(&form_path, Some(&pair.mentor.token)).await, 200).await;
    let mentee = json_of(app.get(&form_path, Some(&pair.mentee.token)).await, 200).await;
    let preview = json_of(app.get(&form_path, Some(&stranger.token)).await, 200).await;

    // Assert
    assert_eq!(ids(&default["items"]), [q.application.as_str()]);
    assert_eq!(default["items"][0]["form"], "application");
    assert_eq!(
        ids(&evaluation["items"]),
        [
            q.mentor_scale.as_str(),
            q.mentee_choice.as_str(),
            q.both_text.as_str()
        ]
    );
    assert!(
        evaluation["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["form"] == "evaluation")
    );
    assert_problem(bogus, 400).await;
    assert_eq!(
        ids(&application_form["questions"]),
        [q.application.as_str()]
    );
    assert_eq!(mentor["role"], "mentor");
    assert_eq!(
        ids(&mentor["questions"]),
        [q.mentor_scale.as_str(), q.both_text.as_str()]
    );
    assert_eq!(mentee["role"], "mentee");
    assert_eq!(
        ids(&mentee["questions"]),
        [q.mentee_choice.as_str(), q.both_text.as_str()]
    );
    assert_eq!(preview["role"], Value::Null);
    assert_eq!(ids(&preview["questions"]).len(), 3);
}

#[tokio::test]
async fn evaluation_answers_are_checked_against_the_questions_for_the_authors_role() {
    // Arrange
    let (app, c, q) = evaluating().await;
    let pair = &c.pairs[0];

    // Act + Assert: the mentees' required question unanswered, a mentors'
    // question answered by a mentee, an option not offered, an application
    // question: each named.
    let missing = submit(
        &app,
        &pair.mentee,
        &c.cycle_id,
        &with_answers("yes", "as_mentee", json!([])),
    )
    .await;
    let problem = assert_problem(missing, 422).await;
    assert_eq!(
        problem_fields(&problem),
        [format!("answers[{}]", q.mentee_choice)]
    );
    let wrong = submit(
        &app,
        &pair.mentee,
        &c.cycle_id,
        &with_answers(
            "yes",
            "as_mentee",
            json!([
                {"question_id": q.mentee_choice, "value": ["Resume review", "Knitting"]},
                {"question_id": q.mentor_scale, "value": 4},
                {"question_id": q.application, "value": "hello"}
            ]),
        ),
    )
    .await;
    let problem = assert_problem(wrong, 422).await;
    assert_eq!(
        problem_fields(&problem),
        ["answers.0", "answers.1", "answers.2"]
    );
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["invalid_answer", "wrong_audience", "unknown_question"]
    );

    let given = json!([
        {"question_id": q.mentee_choice, "value": ["Resume review", "Networking"]},
        {"question_id": q.both_text, "value": "The monthly calls"}
    ]);
    let e = mentee_evaluated(&app, &c, given.clone()).await;
    assert_eq!(e["answers"], given);
    let url = format!("/api/v1/evaluations/{}", e["id"].as_str().unwrap());

    // Editing: a bad value is refused and nothing changes; the partner
    // cannot edit it; a good one replaces every answer.
    let bad = app
        .patch(
            &url,
            Some(&pair.mentee.token),
            &json!({"answers": [{"question_id": q.mentee_choice, "value": "Resume review"}]}),
        )
        .await;
    assert_eq!(
        problem_fields(&assert_problem(bad, 422).await),
        ["answers.0"]
    );
    let partner = app
        .patch(
            &url,
            Some(&pair.mentor.token),
            &json!({"answers": [{"question_id": q.mentee_choice, "value": []}]}),
        )
        .await;
    assert_problem(partner, 404).await;
    let unchanged = json_of(app.get(&url, Some(&pair.mentee.token)).await, 200).await;
    assert_eq!(unchanged["answers"], given);
    let edited = json_of(
        app.patch(
            &url,
            Some(&pair.mentee.token),
            &json!({"answers": [{"question_id": q.mentee_choice, "value": ["Interviewing"]}]}),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        edited["answers"],
        json!([{"question_id": q.mentee_choice, "value": ["Interviewing"]}])
    );
    let mentor = submitted(
        &app,
        &pair.mentor,
        &c.cycle_id,
        &with_answers(
            "yes",
            "as_mentor",
            json!([{"question_id": q.mentor_scale, "value": 5}]),
        ),
    )
    .await;
    assert_eq!(mentor["answers"][0]["value"], 5);
}

#[tokio::test]
async fn once_evaluated_the_evaluation_questions_keep_their_answers_valid() {
    // Arrange: the mentee has evaluated the cycle.
    let (app, c, q) = evaluating().await;
    let pair = &c.pairs[0];
    mentee_evaluated(
        &app,
        &c,
        json!([{"question_id": q.mentee_choice, "value": ["Networking"]}]),
    )
    .await;
    let url = |id: &str| format!("/api/v1/cycles/{}/questions/{id}", c.cycle_id);
    let token = Some(c.committee.token.as_str());

    // Act + Assert: a new required question, removing an option, deleting
    // a question: each would invalidate stored answers.
    let required = app
        .post(
            &format!("/api/v1/cycles/{}/questions", c.cycle_id),
            token,
            &json!({"form": "evaluation", "prompt": "New?", "kind": "yes_no", "required": true}),
        )
        .await;
    let problem = assert_problem(required, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("evaluations"));
    let removed = app
        .patch(
            &url(&q.mentee_choice),
            token,
            &json!({"options": ["Resume review", "Interviewing"]}),
        )
        .await;
    assert_problem(removed, 409).await;
    assert_problem(app.delete(&url(&q.both_text), token).await, 409).await;
    let member = app
        .patch(
            &url(&q.both_text),
            Some(&pair.mentee.token),
            &json!({"retired": true}),
        )
        .await;
    assert_problem(member, 403).await;

    // Retiring keeps the stored answer: the author can still save it.
    json_of(
        app.patch(&url(&q.mentee_choice), token, &json!({"retired": true}))
            .await,
        200,
    )
    .await;
    let mine = json_of(
        app.get("/api/v1/me/evaluations", Some(&pair.mentee.token))
            .await,
        200,
    )
    .await;
    let own = format!(
        "/api/v1/evaluations/{}",
        mine["items"][0]["id"].as_str().unwrap()
    );
    let kept = json_of(
        app.patch(&own, Some(&pair.mentee.token), &json!({"match_rating": 2}))
            .await,
        200,
    )
    .await;
    assert_eq!(kept["answers"][0]["value"], json!(["Networking"]));
}

#[tokio::test]
async fn the_spreadsheet_has_a_column_per_question_and_per_option_of_a_multi_choice_one() {
    // Arrange
    let (app, c, q) = evaluating().await;
    let pair = &c.pairs[0];
    mentee_evaluated(
        &app,
        &c,
        json!([
            {"question_id": q.mentee_choice, "value": ["Resume review", "Networking"]},
            {"question_id": q.both_text, "value": "+calls"}
        ]),
    )
    .await;
    submitted(
        &app,
        &pair.mentor,
        &c.cycle_id,
        &with_answers(
            "yes",
            "as_mentor",
            json!([{"question_id": q.mentor_scale, "value": 4}]),
        ),
    )
    .await;
    let path = format!("/api/v1/cycles/{}/evaluations?format=csv", c.cycle_id);

    // Act
    let resp = app.get(&path, Some(&c.committee.token)).await;
    let refused = app.get(&path, Some(&pair.mentee.token)).await;

    // Assert
    assert_eq!(resp.status(), 200);
    assert_problem(refused, 403).await;
    let body = resp.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let own: Vec<&str> = header
        .iter()
        .filter(|h| h.starts_with("answers."))
        .map(String::as_str)
        .collect();
    assert_eq!(
        own,
        [
            "answers.1. How prepared did you feel?",
            "answers.2. Which workshops helped?",
            "answers.2. Which workshops helped?: Resume review",
            "answers.2. Which workshops helped?: Interviewing",
            "answers.2. Which workshops helped?: Networking",
            "answers.3. =One thing to keep",
        ]
    );
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let by_role = |role: &str| rows.iter().find(|r| &r[col("role")] == role).unwrap();
    let mentee = by_role("mentee");
    let cells: Vec<&str> = own.iter().map(|h| &mentee[col(h)]).collect();
    assert_eq!(
        cells,
        ["", "Resume review; Networking", "1", "0", "1", "'+calls"]
    );
    let mentor = by_role("mentor");
    let cells: Vec<&str> = own.iter().map(|h| &mentor[col(h)]).collect();
    assert_eq!(cells, ["4", "", "", "", "", ""]);
}

#[tokio::test]
async fn the_committees_report_tallies_each_evaluation_question_and_the_public_one_none() {
    // Arrange: the mentor rates the scale and says yes; the mentee names
    // two options and writes a line.
    let (app, c, q) = evaluating().await;
    let yes_no = question(
        &app,
        &c,
        json!({"form": "evaluation", "prompt": "Would you recommend the program?",
               "kind": "yes_no"}),
    )
    .await;
    mentee_evaluated(
        &app,
        &c,
        json!([
            {"question_id": q.mentee_choice, "value": ["Resume review", "Networking"]},
            {"question_id": q.both_text, "value": "Monthly calls"}
        ]),
    )
    .await;
    submitted(
        &app,
        &c.pairs[0].mentor,
        &c.cycle_id,
        &with_answers(
            "yes",
            "as_mentor",
            json!([
                {"question_id": q.mentor_scale, "value": 4},
                {"question_id": yes_no, "value": true}
            ]),
        ),
    )
    .await;
    let path = format!("/api/v1/cycles/{}/report", c.cycle_id);

    // Act
    let report = json_of(app.get(&path, Some(&c.committee.token)).await, 200).await;
    let public = json_of(app.get(&format!("{path}/public"), None).await, 200).await;
    let by_a_partner = app.get(&path, Some(&c.pairs[0].mentee.token)).await;

    // Assert
    let figures = report["questions"].as_array().unwrap();
    let listed: Vec<&str> = figures
        .iter()
        .map(|f| f["question_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [
            q.mentor_scale.as_str(),
            q.mentee_choice.as_str(),
            q.both_text.as_str(),
            yes_no.as_str()
        ]
    );
    let answered = |f: &Value| {
        (
            f["answered"]["numerator"].clone(),
            f["answered"]["denominator"].clone(),
        )
    };
    let [scale, choice, text, yes] = [&figures[0], &figures[1], &figures[2], &figures[3]];
    assert_eq!(answered(scale), (json!(1), json!(1)));
    assert_eq!(scale["rating"]["counts"], json!([0, 0, 0, 1, 0]));
    assert_eq!(scale["rating"]["mean"], 4.0);
    assert_eq!(
        (&scale["yes"], &scale["options"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(answered(choice), (json!(1), json!(1)));
    assert_eq!(
        choice["options"],
        json!([{"option": "Resume review", "count": 1}, {"option": "Interviewing", "count": 0},
               {"option": "Networking", "count": 1}])
    );
    assert_eq!(answered(text), (json!(1), json!(2)));
    assert_eq!(
        (&text["rating"], &text["yes"], &text["options"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    assert_eq!(answered(yes), (json!(1), json!(2)));
    assert_eq!(yes["yes"]["numerator"], 1);
    assert_eq!(yes["yes"]["percent"], 100.0);
    assert_eq!(public["questions"], Value::Null);
    assert_problem(by_a_partner, 403).await;
}
