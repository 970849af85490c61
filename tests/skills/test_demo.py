from skills import demo
from skills.models import Skill, SkillDemand, TrainingOpportunity


def test_it_seeds_demand_across_sectors_and_regions_once(db):
    demo.seed(lambda message: None)
    counts = (
        Skill.objects.count(),
        SkillDemand.objects.count(),
        TrainingOpportunity.objects.count(),
    )
    demo.seed(lambda message: None)
    assert (
        Skill.objects.count(),
        SkillDemand.objects.count(),
        TrainingOpportunity.objects.count(),
    ) == counts
    regions = set(SkillDemand.objects.values_list("region", flat=True))
    assert {"AL", "BA", "XK", "ME", "MK", "RS"} <= regions
    assert len(regions - {"AL", "BA", "XK", "ME", "MK", "RS"}) >= 5
    sections = set(SkillDemand.objects.values_list("section__code", flat=True))
    assert {"A", "K", "L", "N", "P", "Q", "R"} <= sections
    assert TrainingOpportunity.objects.open_on(demo.timezone.localdate()).count() == 6
