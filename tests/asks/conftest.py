import pytest

from asks import services


@pytest.fixture
def people(make_member, connect):
    """alice asks. bob and dave are her connections; carol and erin are bob's (not hers);
    zoe is a stranger to everyone.

        carol — bob — alice — dave
        erin  — bob
    """
    names = {
        "alice": "Alice Archer",
        "bob": "Bob Baker",
        "carol": "Carol Chen",
        "dave": "Dave Diaz",
        "erin": "Erin Evans",
        "zoe": "Zoe Stranger",
    }
    folks = {handle: make_member(handle, full_name=name) for handle, name in names.items()}
    connect(folks["alice"], folks["bob"])
    connect(folks["alice"], folks["dave"])
    connect(folks["bob"], folks["carol"])
    connect(folks["bob"], folks["erin"])
    return folks


@pytest.fixture
def make_ask(people):
    def make(author="alice", **kwargs):
        fields = {
            "title": "Looking for an aviation technical writer",
            "body": "A320 maintenance manuals, three months, remote.",
            "topic": "technical writing",
            "industry": "aviation",
        }
        fields.update(kwargs)
        return services.ask_create(author=people[author], **fields)

    return make
