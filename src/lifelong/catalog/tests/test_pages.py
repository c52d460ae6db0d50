import pytest

from lifelong.catalog.tests.helpers import demo, units
from lifelong.catalog.tests.html import page


@pytest.fixture
def senior(client, db):
    client.post("/login/", {"username": "senior_citizen", "password": "lifelong-demo"})
    return client


def test_the_learning_journey_search_enrol_play_and_see_progress_and_points(senior):
    # Given the senior citizen signed in (elder mode comes with the account)
    # When they search 太极
    results = page(senior.get("/learn/", {"q": "太极"}))
    links = [a for a in results.find_all("a") if a.text == "太极拳入门"]
    assert links, "太极拳入门 is among the results"
    course_url = links[0].get("href")

    # and enrol with the course page's form
    course = page(senior.get(course_url))
    form = [
        f for f in course.find_all("form", method="post") if f.get("action", "").endswith("/enrol/")
    ][0]
    enrolled = senior.post(form.get("action"), follow=True)
    assert "报名成功" in enrolled.content.decode()

    # and open the first unit from the start button and mark it done
    start = page(enrolled).one("a", class_="button")
    player = page(senior.get(start.get("href")))
    done = [
        f
        for f in player.find_all("form", method="post")
        if f.get("action", "").endswith("/progress/")
    ][0]
    after = senior.post(done.get("action"), {"completed": "1"}, follow=True)

    # Then the course shows progress, and my learning shows it with new points
    assert "33%" in page(after).text
    mine = page(senior.get("/learn/my/"))
    assert "太极拳入门" in mine.text
    assert "完成单元" in mine.text
    balance = mine.one("p", class_="points-balance").text
    assert int(balance.split("：")[1].split()[0]) >= 3


def test_search_results_mark_the_matched_words(client, db):
    html = client.get("/learn/", {"q": "八段锦"}).content.decode()

    assert "<mark>八段锦</mark>" in html


def test_the_search_page_takes_four_queries_once_the_index_is_read(
    client, db, django_assert_num_queries
):
    client.get("/learn/", {"q": "入门"})

    # the categories and districts of the form, the index generation, the page's rows
    with django_assert_num_queries(4):
        html = page(client.get("/learn/", {"q": "入门", "audience": "seniors", "page": "2"}))
    assert len(html.find_all("li", class_="result")) == 20


def test_an_empty_search_says_so_and_offers_to_browse(client, db):
    html = page(client.get("/learn/", {"q": "量子色动力学"}))

    assert "没有找到相关课程" in html.one("p", class_="empty").text


def test_the_player_shows_captions_and_the_resume_position(senior):
    course = demo("9-0-course")
    senior.post(f"/learn/courses/{course.pk}/enrol/")
    audio = units(course)[1]
    senior.post(
        f"/learn/courses/{course.pk}/units/{audio.pk}/progress/",
        {"position_seconds": "4"},
        HTTP_X_REQUESTED_WITH="fetch",
    )

    html = page(senior.get(f"/learn/courses/{course.pk}/units/{audio.pk}/"))

    media = html.one("audio")
    assert media.get("data-resume") == "4"
    assert html.one("track").get("srclang") == "zh"


def test_the_quiz_form_scores_the_answers(senior):
    course = demo("9-1-course")
    senior.post(f"/learn/courses/{course.pk}/enrol/")
    quiz = units(course)[2]

    response = senior.post(
        f"/learn/courses/{course.pk}/units/{quiz.pk}/quiz/",
        {"qids": ["0", "1"], "q0": "0", "q1": "1"},
        follow=True,
    )

    assert "测验通过" in response.content.decode()


def test_the_player_sends_visitors_who_are_not_enrolled_to_the_course_page(senior):
    course = demo("9-2-course")

    response = senior.get(f"/learn/courses/{course.pk}/units/{units(course)[0].pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/learn/courses/{course.pk}/"


def test_a_visitor_is_asked_to_log_in_to_enrol(client, db):
    course = demo("9-2-course")

    html = page(client.get(f"/learn/courses/{course.pk}/"))

    assert "登录后报名" in html.text


@pytest.mark.parametrize(
    "path", ["/learn/", "/learn/?q=太极", "/learn/my/", "/learn/live/", "course", "player"]
)
def test_catalog_pages_keep_the_markup_rules(senior, path):
    course = demo("0-0-course")
    if path == "course":
        path = f"/learn/courses/{course.pk}/"
    elif path == "player":
        senior.post(f"/learn/courses/{course.pk}/enrol/")
        path = f"/learn/courses/{course.pk}/units/{units(course)[1].pk}/"

    response = senior.get(path)
    html = page(response)

    assert response.status_code == 200
    assert all(script.get("src") for script in html.find_all("script"))
    assert [e.tag for e in html.elements if "style" in e.attrs] == []
    for field in [
        e
        for e in html.elements
        if e.tag in ("input", "select", "textarea") and e.get("type") != "hidden"
    ]:
        assert html.find_all("label", for_=field.get("id")), field.attrs
        assert field.get("autocomplete"), field.attrs
    for form in html.find_all("form", method="post"):
        assert any(
            e.get("name") == "csrfmiddlewaretoken"
            for e in html.elements
            if e.tag == "input" and _within(e, form)
        )


def _within(element, ancestor) -> bool:
    node = element.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False
