// ZweZOSMF owns the z/OSMF stub.
public enum ZOSMFStub {}
