"""The fixtures log people in (a check of the test harness itself)."""


def test_each_role_lands_on_its_home(as_person):
    expected = {
        "manager": "/territoires/creusot-montceau",
        "conseiller": "/terrain",
        "arml": "/region",
        "admin": "/admin",
    }
    for name, home in expected.items():
        r = as_person(name).get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == home, name
