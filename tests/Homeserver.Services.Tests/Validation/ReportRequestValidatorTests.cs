using Homeserver.Services.Rooms;
using Homeserver.Services.Validation;

namespace Homeserver.Services.Tests.Validation;

public sealed class ReportRequestValidatorTests
{
    private static readonly EventReportRequestValidator EventReports = new();
    private static readonly RoomReportRequestValidator RoomReports = new();
    private static readonly UserReportRequestValidator UserReports = new();

    [Theory]
    [InlineData(null)]
    [InlineData(-100)]
    [InlineData(-50)]
    [InlineData(0)]
    public void An_event_report_with_no_score_or_one_from_minus_100_to_0_passes(int? score)
    {
        ValidationAssert.Passes(EventReports, new EventReportRequest(null, score));
        ValidationAssert.Passes(EventReports, new EventReportRequest("spam", score));
    }

    [Theory]
    [InlineData(-101)]
    [InlineData(1)]
    public void An_event_report_score_outside_minus_100_to_0_is_M_INVALID_PARAM(int score)
    {
        ValidationAssert.Fails(EventReports, new EventReportRequest("spam", score), "M_INVALID_PARAM",
            "score must be between -100 and 0");
    }

    [Fact]
    public void A_room_report_needs_a_reason()
    {
        ValidationAssert.Passes(RoomReports, new RoomReportRequest(""));
        ValidationAssert.Fails(RoomReports, new RoomReportRequest(null), "M_BAD_JSON",
            "reason is required and must be a string");
    }

    [Fact]
    public void A_user_report_needs_a_reason_of_at_most_1000_characters()
    {
        ValidationAssert.Passes(UserReports, new UserReportRequest(new string('x', 1000)));
        ValidationAssert.Fails(UserReports, new UserReportRequest(null), "M_BAD_JSON",
            "reason is required and must be a string");
        ValidationAssert.Fails(UserReports, new UserReportRequest(new string('x', 1001)), "M_BAD_JSON",
            "reason must be at most 1000 characters");
    }
}
