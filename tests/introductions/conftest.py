import pytest


@pytest.fixture
def story(make_member, connect):
    """Pete knows John and me; I know Adam's colleague Ann; Ann knows Adam.

    john — pete — me — ann — adam     (and a stranger, zoe)
    """
    people = {
        name: make_member(name, full_name=name.title())
        for name in ["john", "pete", "me", "ann", "adam", "zoe"]
    }
    connect(people["john"], people["pete"])
    connect(people["pete"], people["me"])
    connect(people["me"], people["ann"])
    connect(people["ann"], people["adam"])
    return people
