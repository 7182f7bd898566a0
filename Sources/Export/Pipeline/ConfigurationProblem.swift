/// A problem with the output folder that the user must resolve before any run can proceed (the manifest is
/// unreadable or missing, another run holds the folder): the CLI reports it with exit code 2, like bad usage.
public protocol ConfigurationProblem: Error {}
