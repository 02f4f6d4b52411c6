// ZweJobsAPI owns the jobs-api component.
public enum JobsAPIComponent {}
