import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from profiles.industries import Industry
from profiles.models import Education, Position, Profile, Skill, User

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"member-{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if not create:
            return
        Profile.objects.create(
            user=self,
            full_name=kwargs.get("full_name") or self.username.replace("-", " ").title(),
            headline=kwargs.get("headline", "Engineer"),
            industry=kwargs.get("industry", Industry.INFORMATION_TECHNOLOGY),
            location=kwargs.get("location", "Lisbon"),
            **{
                k: kwargs[k]
                for k in ("summary", "contact_email", "phone", "website")
                if k in kwargs
            },
        )
        EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    profile = factory.SubFactory("tests.factories.ProfileFactory")
    title = "Software Engineer"
    organization = "Acme"
    start_date = factory.Faker("date_between", start_date="-10y", end_date="-2y")
    is_current = True


class EducationFactory(DjangoModelFactory):
    class Meta:
        model = Education

    school = "University of Lisbon"
    degree = "BSc"
    field_of_study = "Computer Science"
    start_year = 2005
    end_year = 2009


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Skill {n}")
