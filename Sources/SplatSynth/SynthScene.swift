import SplatMath

/// One primitive of an object, in world coordinates: `x_world = rotation · x_local + center`.
public struct SynthPart: Sendable, Equatable {
    public var shape: PrimitiveShape
    public var rotation: Mat3
    public var center: Vec3
    /// Index into `SynthScene.materials`.
    public var material: Int
}

/// One object (one GT instance, possibly several primitives).
public struct SynthObject: Sendable, Equatable {
    public var id: Int32
    public var name: String
    /// sphere, box, cylinder, cone, torus, table or snowman.
    public var kind: String
    public var sizeClass: String
    /// Centre of the object's base on the floor (world).
    public var position: Vec3
    /// Rotation about +z (radians); 0 for axis-aligned boxes.
    public var yaw: Double
    public var footprintRadius: Double
    public var height: Double
    public var parts: [SynthPart]
}

/// One GT instance: a room surface, the backdrop or an object.
public struct SynthInstance: Sendable, Equatable {
    public var id: Int32
    public var name: String
    public var kind: String
    public var isBackground: Bool
    public var parts: [String]
    public var texture: String
    public var color: Vec3
}

/// The directional lights and ambient term (Lambertian, view-independent).
public struct SynthLights: Sendable, Equatable {
    public var keyDirection: Vec3
    public var keyColor = Vec3(1.0, 0.96, 0.9)
    public var keyIntensity: Double
    public var fillDirection: Vec3
    public var fillColor = Vec3(0.85, 0.9, 1.0)
    public var fillIntensity: Double
    public var ambientSky = Vec3(0.30, 0.31, 0.34)
    public var ambientGround = Vec3(0.2, 0.18, 0.16)
    public var exposure = 0.88
}

/// The room: half sizes, wall height and which sides have walls.
public struct SynthRoom: Sendable, Equatable {
    public var halfX: Double
    public var halfY: Double
    public var wallHeight: Double
    public var walls: [String]
    public var backdropRadius: Double
}

/// A complete procedural scene before rendering: geometry, materials, lights and cameras.
public struct SynthScene: Sendable {
    public var config: SynthConfig
    public var room: SynthRoom
    public var instances: [SynthInstance]
    public var objects: [SynthObject]
    public var materials: [Material]
    public var lights: SynthLights
    /// One camera per view (COLMAP convention, world→camera).
    public var cameras: [PinholeCamera]
    public var backdropID: Int32
    /// Colours of the backdrop's hills and ground (its material holds horizon and zenith).
    var backdropHills: Vec3
    var backdropGround: Vec3
    /// Flattened primitives: room quads, objects, backdrop last.
    var primitives: [Primitive]

    /// Instance id → is a background structure (floor, wall, backdrop).
    public var isBackground: [Int32: Bool] {
        Dictionary(uniqueKeysWithValues: instances.map { ($0.id, $0.isBackground) })
    }
}
